"""consent links: emails that let a person who is not a member answer an introduction
(yes / not now / no) or say how it went, with one signed, single-use link each

Revision ID: 0028
Revises: 0029

Adds the links (one per introduction, person and purpose), the key that signs them, the
"by email" mark on a move, and the sender's name and reply address an email of the outbox
may carry (a consent request goes out in the introducer's name).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_links",
        sa.Column("id", sa.String(12), nullable=False),
        sa.Column("intro_id", sa.String(12), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(["intro_id"], ["introductions.id"], ondelete="CASCADE",
                                name=op.f("fk_consent_links_intro_id_introductions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_links")),
        sa.UniqueConstraint("intro_id", "role", "purpose",
                            name=op.f("uq_consent_links_intro_id")),
    )
    # No triggers on these tables (see 0009, 0011), so SQLite's batch rebuild loses nothing.
    with op.batch_alter_table("intro_moves") as batch:
        batch.add_column(sa.Column("via", sa.String(10), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sender_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("reply_to", sa.String(320), nullable=True))
    keys = sa.table("server_keys", sa.column("name", sa.String), sa.column("secret", sa.String),
                    sa.column("created_at", sa.DateTime(timezone=True)))
    op.bulk_insert(keys, [{"name": "consent links", "secret": os.urandom(32).hex(),
                           "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.execute("DELETE FROM server_keys WHERE name = 'consent links'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("reply_to")
        batch.drop_column("sender_name")
    with op.batch_alter_table("intro_moves") as batch:
        batch.drop_column("via")
    op.drop_table("consent_links")
