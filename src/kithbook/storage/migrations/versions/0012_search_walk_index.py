"""SQLite: contacts in name order with their search text in one index, so a search for a
common word walks the index alone and reads only the rows it shows

Revision ID: 0012
Revises: 0011

See `storage/search_index.py` (WALK_INDEX). PostgreSQL keeps its trigram index: a B-tree
entry there is limited in size and a search text holds the contact's notes.
"""

from __future__ import annotations

from alembic import op

from kithbook.storage.search_index import WALK_INDEX, WALK_INDEX_SQL

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(WALK_INDEX_SQL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {WALK_INDEX}")
