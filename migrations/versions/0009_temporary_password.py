"""Users whose password an administrator set must set their own before acting for the committee

Revision ID: 0009_temp_password
Revises: 0008_staff
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_temp_password"
down_revision = "0008_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_temporary", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("password_temporary")
