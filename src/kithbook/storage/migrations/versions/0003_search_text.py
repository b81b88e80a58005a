"""search_text: one folded column per contact for free-text search

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # A copy of kithbook.domain.contacts.fold as it was when this migration was written:
    # migrations must keep giving the same result whatever the code becomes.
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="",
                                      nullable=False))
    bind = op.get_bind()
    extra: dict[str, list[str]] = defaultdict(list)
    for row in bind.execute(sa.text("SELECT contact_id, tag FROM contact_tags")):
        extra[row.contact_id].append(row.tag)
    for row in bind.execute(sa.text("SELECT contact_id, address FROM contact_emails")):
        extra[row.contact_id].append(row.address)
    rows = bind.execute(sa.text(
        "SELECT id, name, organization, role, location, how_we_met, notes FROM contacts"))
    updates = [
        {"id": r.id, "text": _fold(" ".join(p for p in (r.name, r.organization, r.role,
                                                        r.location, r.how_we_met, r.notes,
                                                        *extra.get(r.id, [])) if p))}
        for r in rows
    ]
    if updates:
        bind.execute(sa.text("UPDATE contacts SET search_text = :text WHERE id = :id"),
                     updates)


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("search_text")
