"""One successor per snapshot in a village's hash chain

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publishedperiod", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_publishedperiod_chain", ["village_id", "prev_hash"])


def downgrade() -> None:
    with op.batch_alter_table("publishedperiod", schema=None) as batch_op:
        batch_op.drop_constraint("uq_publishedperiod_chain", type_="unique")
