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


# Plain ALTER TABLE, no batch: a batch on SQLite copies and drops "user", which the rows referring to it forbid.
def upgrade() -> None:
    op.add_column("user", sa.Column("password_temporary", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column("user", "password_temporary")
