"""the server's own keys: the one that makes path search handles

Revision ID: 0024
Revises: 0022

A path search hands the searcher an opaque handle for each contact it offers to ask
about, signed with a key only the server knows and every process on the database shares.
The key is made here; the server makes one again if the row is ever missing.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keys = op.create_table(
        "server_keys",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(keys, [{"name": "path handles", "secret": os.urandom(32).hex(),
                           "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("server_keys")
