"""Account balances keep the real month-end balance (bank statement, cash count); townships their deadline

Revision ID: 0008_staff
Revises: 0007_safety
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_staff"
down_revision = "0007_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accountbalance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_fen", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("township", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_day", sa.Integer(), nullable=True))
    # Months entered before this column existed were reconciled against their typed closing.
    op.execute("UPDATE accountbalance SET statement_fen = closing_fen")


def downgrade() -> None:
    with op.batch_alter_table("township", schema=None) as batch_op:
        batch_op.drop_column("deadline_day")
    with op.batch_alter_table("accountbalance", schema=None) as batch_op:
        batch_op.drop_column("statement_fen")
