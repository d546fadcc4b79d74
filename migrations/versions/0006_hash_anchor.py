"""Re-anchored snapshot versions name the old hash they replace (and that hash's predecessor)

A version hashed before part-wise commitments is stored again under the new scheme when one
of its parts is withdrawn; the old row goes, and the chain's link through it is checked
against these two columns.

Revision ID: 0006_hash
Revises: 0005
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_hash"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publishedperiod", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchor_hash", sqlmodel.sql.sqltypes.AutoString(length=64),
                                      server_default="", nullable=False))
        batch_op.add_column(sa.Column("anchor_prev", sqlmodel.sql.sqltypes.AutoString(length=64),
                                      server_default="", nullable=False))
        batch_op.create_index("ix_publishedperiod_anchor_hash", ["anchor_hash"])


def downgrade() -> None:
    with op.batch_alter_table("publishedperiod", schema=None) as batch_op:
        batch_op.drop_index("ix_publishedperiod_anchor_hash")
        batch_op.drop_column("anchor_prev")
        batch_op.drop_column("anchor_hash")
