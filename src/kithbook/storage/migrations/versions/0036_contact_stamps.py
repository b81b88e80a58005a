"""each contact's version and time of change read from an index: a kept reading of a
book (the likely duplicates) finds what changed without reading every row

Revision ID: 0036
Revises: 0032

The kept list of likely duplicates is updated from the contacts that changed since it
was read; finding them reads every contact's id, version and time of change. From the
table that is a scan of its widest rows (0.6 s for 100,000 contacts), from this index
an index-only scan (0.15 s).
"""

from __future__ import annotations

from alembic import op

revision = "0036"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contacts_owner_stamp", "contacts",
                    ["owner_id", "id", "version", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_contacts_owner_stamp", table_name="contacts")
