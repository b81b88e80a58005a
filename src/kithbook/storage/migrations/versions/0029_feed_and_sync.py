"""the calendar feed's secret per member; CardDAV sync's links and conflicts

Revision ID: 0029
Revises: 0020

A member's feed is read without a login, at a URL holding a 256-bit token: only its
SHA-256 is stored, so a copy of the database opens no feed. A CardDAV account is a
capture source of kind `carddav` (its password sealed like a mail account's); each card
it holds is linked to one contact by its href and UID, with the fields both sides agreed
on at the last sync (the base a three-way merge compares against), and the card as last
read, so properties Kithbook does not know go back to the server untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0020"
branch_labels = None
depends_on = None

ID = sa.String(12)


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("member_id", ID, sa.ForeignKey("members.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alarm_minutes", sa.SmallInteger()),
        sa.UniqueConstraint("token_hash", name="uq_feed_tokens_token_hash"),
    )
    op.create_table(
        "sync_cards",
        sa.Column("source_id", ID, sa.ForeignKey("capture_sources.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("href", sa.String(1000), primary_key=True),
        sa.Column("contact_id", ID, sa.ForeignKey("contacts.id", ondelete="SET NULL")),
        sa.Column("uid", sa.String(500), nullable=False),
        sa.Column("etag", sa.String(200)),
        sa.Column("base", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("card", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_sync_cards_contact_id", "sync_cards", ["contact_id"])
    op.create_table(
        "sync_conflicts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("source_id", ID, sa.ForeignKey("capture_sources.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("contact_id", ID, sa.ForeignKey("contacts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("ours", sa.Text(), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sync_conflicts_source_id", "sync_conflicts", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_conflicts_source_id", table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_index("ix_sync_cards_contact_id", table_name="sync_cards")
    op.drop_table("sync_cards")
    op.drop_table("feed_tokens")
