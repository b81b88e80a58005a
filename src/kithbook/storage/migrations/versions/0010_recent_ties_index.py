"""the book sorted by last contact walks one index: ties by (owner, last interaction,
contact), the very order of the list, so a page reads 50 rows instead of sorting the book

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ties_owner_recent", "ties",
                    ["owner_id", "last_interaction_on", "contact_id"])
    op.drop_index("ix_ties_owner_last", table_name="ties")


def downgrade() -> None:
    op.create_index("ix_ties_owner_last", "ties", ["owner_id", "last_interaction_on"])
    op.drop_index("ix_ties_owner_recent", table_name="ties")
