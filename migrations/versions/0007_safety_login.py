"""Login throttling in the database; demo staff accounts are marked as such

Revision ID: 0007_safety
Revises: 0006_hash
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

revision = "0007_safety"
down_revision = "0006_hash"
branch_labels = None
depends_on = None

# The accounts infra/demo.py seeded with its published password; only those still using it are marked.
_DEMO_USERNAMES = ("admin", "zhen", "wenshu", "jiandu", "wangge")
_DEMO_PASSWORD = "sanwu-demo"


def _still_demo(password_hash: str) -> bool:
    try:
        return PasswordHasher().verify(password_hash, _DEMO_PASSWORD)
    except (VerificationError, InvalidHashError):
        return False


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "loginevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loginevent_key_at", "loginevent", ["key", "at"])
    op.create_index(op.f("ix_loginevent_at"), "loginevent", ["at"])
    users = sa.table("user", sa.column("id"), sa.column("username"), sa.column("password_hash"), sa.column("is_demo"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.password_hash).where(users.c.username.in_(_DEMO_USERNAMES)))
    demo_ids = [row.id for row in rows if _still_demo(row.password_hash)]
    if demo_ids:
        connection.execute(sa.update(users).where(users.c.id.in_(demo_ids)).values(is_demo=True))


def downgrade() -> None:
    op.drop_index(op.f("ix_loginevent_at"), table_name="loginevent")
    op.drop_index("ix_loginevent_key_at", table_name="loginevent")
    op.drop_table("loginevent")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("is_demo")
