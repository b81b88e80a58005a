"""each tie keeps the evidence numbers computed with its strength, and each interaction
which "not networking" words its note reads like, so that the digest, the keep-in-touch
list and the health report read a row per tie instead of every interaction

Revision ID: 0014
Revises: 0013

On a 100,000-contact book the health report read 990,000 interactions and summarized
every tie's history: 18 s. Ties get their given and received counts, the day they were
first known and the day of last contact, as of `facts_on`; they are written with the
stored strength (`store_strengths`). Existing ties get them with the next computation of
their strength: their strengths are dated far back here, as if from another day, so
that the web app shows them and renews them after answering, as on any new day. Until
then, and for ties whose strength a writer from before this version stored, reports
read the ties' history as before. Notes are looked at here, 500 at a
time; an interaction logged by an older writer has no flags and is looked at when read.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

from kithbook.domain.health import note_flags

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_BATCH = 500
_FACTS = (("gave_count", sa.Integer()), ("received_count", sa.Integer()),
          ("known_since", sa.Date()), ("last_contact", sa.Date()), ("facts_on", sa.Date()))
_FLAGGED = "flags IS NULL OR flags <> 0"


def upgrade() -> None:
    for name, kind in _FACTS:
        op.add_column("ties", sa.Column(name, kind, nullable=True))
    op.add_column("interactions", sa.Column("flags", sa.SmallInteger(), nullable=True))
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE ties SET strength_on = :long_ago WHERE strength_on IS NOT NULL"),
                 {"long_ago": date(1970, 1, 1)})
    bind.execute(sa.text("UPDATE interactions SET flags = 0 WHERE note IS NULL OR note = ''"))
    noted = bind.execute(sa.text("SELECT id, note FROM interactions WHERE flags IS NULL "
                                 "ORDER BY id")).all()
    for start in range(0, len(noted), _BATCH):
        bind.execute(sa.text("UPDATE interactions SET flags = :flags WHERE id = :id"),
                     [{"id": i, "flags": note_flags(note)}
                      for i, note in noted[start:start + _BATCH]])
    op.create_index("ix_interactions_owner_kind", "interactions",
                    ["owner_id", "kind", "direction", "occurred_on"])
    op.create_index("ix_interactions_flagged", "interactions", ["owner_id", "occurred_on"],
                    sqlite_where=sa.text(_FLAGGED), postgresql_where=sa.text(_FLAGGED))


def downgrade() -> None:
    op.drop_index("ix_interactions_flagged", table_name="interactions")
    op.drop_index("ix_interactions_owner_kind", table_name="interactions")
    # Not batch mode: rebuilding the tables on SQLite would drop their triggers (0009, 0011).
    op.execute("ALTER TABLE interactions DROP COLUMN flags")
    for name, _ in reversed(_FACTS):
        op.execute(f"ALTER TABLE ties DROP COLUMN {name}")
