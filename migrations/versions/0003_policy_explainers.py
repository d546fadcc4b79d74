"""政策问答: policy explainers, their approved versions and their pushes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 04:43:16.005572
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policyexplainer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'approved', name='explainerstatus'), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('doc_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('deadline_on', sa.Date(), nullable=True),
    sa.Column('source_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('source_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source_file', sa.LargeBinary(), nullable=True),
    sa.Column('source_text', sa.Text(), server_default='', nullable=False),
    sa.Column('one_sentence', sa.Text(), server_default='', nullable=False),
    sa.Column('q_what', sa.Text(), server_default='', nullable=False),
    sa.Column('q_who', sa.Text(), server_default='', nullable=False),
    sa.Column('q_get', sa.Text(), server_default='', nullable=False),
    sa.Column('q_materials', sa.Text(), server_default='', nullable=False),
    sa.Column('q_where', sa.Text(), server_default='', nullable=False),
    sa.Column('q_deadline', sa.Text(), server_default='', nullable=False),
    sa.Column('ask', sa.Text(), server_default='', nullable=False),
    sa.Column('correction_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('township_id', 'number')
    )
    with op.batch_alter_table('policyexplainer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policyexplainer_township_id'), ['township_id'], unique=False)

    op.create_table('policyexplainerversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('explainer_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_json', sa.Text(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['explainer_id'], ['policyexplainer.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('content_hash'),
    sa.UniqueConstraint('township_id', 'prev_hash', name='uq_policyexplainerversion_chain'),
    sa.UniqueConstraint('explainer_id', 'version')
    )
    with op.batch_alter_table('policyexplainerversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policyexplainerversion_explainer_id'), ['explainer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policyexplainerversion_township_id'), ['township_id'], unique=False)

    op.create_table('policyexplainervillage',
    sa.Column('explainer_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['explainer_id'], ['policyexplainer.id'], ),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], ),
    sa.PrimaryKeyConstraint('explainer_id', 'village_id')
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explainer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outboxmessage_explainer_id'), ['explainer_id'], unique=False)
        batch_op.create_foreign_key('fk_outboxmessage_explainer_id', 'policyexplainer', ['explainer_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outboxmessage_explainer_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outboxmessage_explainer_id'))
        batch_op.drop_column('explainer_id')

    op.drop_table('policyexplainervillage')
    with op.batch_alter_table('policyexplainerversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policyexplainerversion_township_id'))
        batch_op.drop_index(batch_op.f('ix_policyexplainerversion_explainer_id'))

    op.drop_table('policyexplainerversion')
    with op.batch_alter_table('policyexplainer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policyexplainer_township_id'))

    op.drop_table('policyexplainer')
    sa.Enum(name='explainerstatus').drop(op.get_bind(), checkfirst=True)
