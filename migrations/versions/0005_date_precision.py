"""Fixed assets keep the precision of their date (registers often know only year or month)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fixedasset", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acquired_precision", sqlmodel.sql.sqltypes.AutoString(length=5),
                                      server_default="day", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("fixedasset", schema=None) as batch_op:
        batch_op.drop_column("acquired_precision")
