"""what an undo puts back: a removed interaction, contacts before a merge

Revision ID: 0030
Revises: 0025

Each entry holds the rows a removal or a merge took away, as JSON, with a guard that
says what must not have changed since for the undo to be safe; entries are purged after
a while.

It also sets again the stored flags of notes that mention a demo: "demo" alone no longer
reads as selling ("a demo of the difference engine" is something shown to you).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kithbook.domain.health import note_flags

revision = "0030"
down_revision = "0025"
branch_labels = None
depends_on = None

ID = sa.String(12)


def upgrade() -> None:
    op.create_table(
        "undo_entries",
        sa.Column("id", ID, primary_key=True),
        sa.Column("owner_id", ID, sa.ForeignKey("members.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(500), nullable=False),
        sa.Column("guard", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_undo_entries_owner_created", "undo_entries",
                    ["owner_id", "created_at"])
    bind = op.get_bind()
    noted = bind.execute(sa.text("SELECT id, note FROM interactions "
                                 "WHERE lower(note) LIKE '%demo%'")).all()
    if noted:
        bind.execute(sa.text("UPDATE interactions SET flags = :flags WHERE id = :id"),
                     [{"id": i, "flags": note_flags(note)} for i, note in noted])


def downgrade() -> None:
    op.drop_index("ix_undo_entries_owner_created", table_name="undo_entries")
    op.drop_table("undo_entries")
