"""capture: sources of mail and calendars, what they captured, the review queue

Revision ID: 0022
Revises: 0017

New tables only; the interactions table is untouched, so captured interactions read
like any other and a link row says which source captured each.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0017"
branch_labels = None
depends_on = None

ID = sa.String(12)


def _owner(primary_key: bool = False) -> sa.Column[str]:
    return sa.Column("owner_id", ID, sa.ForeignKey("members.id", ondelete="CASCADE"),
                     nullable=False, primary_key=primary_key)


def upgrade() -> None:
    op.create_table(
        "capture_sources",
        sa.Column("id", ID, primary_key=True),
        _owner(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(500), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("secret", sa.Text()),
        sa.Column("keep_subjects", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("last_run_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_added", sa.Integer()),
        sa.Column("next_run_at", sa.DateTime(timezone=True)),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_capture_sources_owner", "capture_sources", ["owner_id"])
    op.create_index("ix_capture_sources_next_run", "capture_sources", ["next_run_at"])
    op.create_table(
        "captured_interactions",
        sa.Column("interaction_id", ID, sa.ForeignKey("interactions.id", ondelete="CASCADE"),
                  primary_key=True),
        _owner(),
        sa.Column("source_id", ID, sa.ForeignKey("capture_sources.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("capture_key", sa.String(40), nullable=False),
    )
    op.create_index("ix_captured_interactions_key", "captured_interactions",
                    ["owner_id", "capture_key"], unique=True)
    op.create_index("ix_captured_interactions_source", "captured_interactions",
                    ["source_id"])
    op.create_table(
        "capture_sightings",
        _owner(primary_key=True),
        sa.Column("capture_key", sa.String(40), primary_key=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(12), nullable=False),
        sa.Column("source_id", ID, sa.ForeignKey("capture_sources.id", ondelete="CASCADE"),
                  nullable=False),
    )
    op.create_index("ix_capture_sightings_address", "capture_sightings",
                    ["owner_id", "address"])
    op.create_index("ix_capture_sightings_source", "capture_sightings", ["source_id"])
    op.create_table(
        "capture_rules",
        _owner(primary_key=True),
        sa.Column("pattern", sa.String(320), primary_key=True),
        sa.Column("rule", sa.String(8), nullable=False),
    )
    op.create_table(
        "capture_decisions",
        _owner(primary_key=True),
        sa.Column("address", sa.String(320), primary_key=True),
        sa.Column("choice", sa.String(16), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Captured interactions go with their sources: before this version nothing says
    # which they were.
    op.execute("DELETE FROM interactions WHERE id IN "
               "(SELECT interaction_id FROM captured_interactions)")
    for table in ("capture_decisions", "capture_rules", "capture_sightings",
                  "captured_interactions", "capture_sources"):
        op.drop_table(table)
