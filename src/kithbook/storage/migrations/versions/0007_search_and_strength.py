"""search index and stored strength: a trigram index over contacts.search_text, and each
tie's strength and stage as of a day, so lists sort and filter by them in SQL

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kithbook.storage import search_index

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("strength", sa.Float()))
        batch_op.add_column(sa.Column("stage", sa.String(length=16)))
        batch_op.add_column(sa.Column("strength_on", sa.Date()))
    # Rows start without a strength (strength_on NULL): the first list that needs them
    # computes them all at once, from the same engine the contact page uses.
    op.create_index("ix_ties_owner_strength", "ties", ["owner_id", "strength", "contact_id"])
    op.create_index("ix_ties_owner_stage", "ties",
                    ["owner_id", "stage", "strength", "contact_id"])
    op.create_index("ix_ties_owner_strength_on", "ties", ["owner_id", "strength_on"])
    search_index.install(op.get_bind())


def downgrade() -> None:
    search_index.uninstall(op.get_bind())
    op.drop_index("ix_ties_owner_strength_on", table_name="ties")
    op.drop_index("ix_ties_owner_stage", table_name="ties")
    op.drop_index("ix_ties_owner_strength", table_name="ties")
    with op.batch_alter_table("ties", schema=None) as batch_op:
        batch_op.drop_column("strength_on")
        batch_op.drop_column("stage")
        batch_op.drop_column("strength")
