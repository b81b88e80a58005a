"""a log sent with a key is stored once: the keys of queued logs

Revision ID: 0034
Revises: 0030

A phone that logs while offline queues the log with a random key and sends it when it
is back online; if the answer is lost it sends it again. The key, kept for 30 days,
makes the second send find the first log instead of storing another.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0030"
branch_labels = None
depends_on = None

ID = sa.String(12)


def upgrade() -> None:
    op.create_table(
        "log_keys",
        sa.Column("owner_id", ID, sa.ForeignKey("members.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("interaction_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_log_keys_created", "log_keys", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_log_keys_created", table_name="log_keys")
    op.drop_table("log_keys")
