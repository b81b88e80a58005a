"""periodic jobs claimed across servers; writes made once per Idempotency-Key

Revision ID: 0032
Revises: 0034

`job_leases` lets one server of several run the digest pass or the session sweep, once
per period; `request_keys` keeps the answer of a write sent with an `Idempotency-Key`,
so a client retrying after a server stopped mid-request does not write it twice; an
outbox row names the sender holding its lease, which sends it only while it still does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("holder", sa.String(100)),
    )
    op.create_table(
        "request_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer()),
        sa.Column("content_type", sa.String(100)),
        sa.Column("body", sa.Text()),
    )
    op.create_index("ix_request_keys_created_at", "request_keys", ["created_at"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_by")
    op.drop_index("ix_request_keys_created_at", table_name="request_keys")
    op.drop_table("request_keys")
    op.drop_table("job_leases")
