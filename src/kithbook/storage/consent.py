"""Consent links in SQL, and the server key that signs them.

`use` is the single-use rule: one UPDATE that only a link not yet used and not expired
passes, so of two clicks at once (two browsers, two workers) exactly one goes through.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kithbook.domain.consent import Choice, ConsentLink, LinkPurpose
from kithbook.domain.ids import IntroId
from kithbook.domain.intro_records import Role
from kithbook.storage.rows import aware
from kithbook.storage.tables import consent_links, server_keys

_KEY = "consent links"


class SqlConsentLinks:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, link: ConsentLink) -> bool:
        """Store a new link; False when that party already has one for that purpose (a
        second worker got there first)."""
        row = {"id": link.id, "intro_id": link.intro_id, "role": link.role.value,
               "purpose": link.purpose.value, "created_at": link.created_at,
               "expires_at": link.expires_at}
        insert = (postgresql_insert if self._c.dialect.name == "postgresql"
                  else sqlite_insert)(consent_links).values(row)
        # RETURNING, not rowcount: psycopg counts a skipped row of ON CONFLICT too.
        made = self._c.execute(insert.on_conflict_do_nothing(
            index_elements=["intro_id", "role", "purpose"]).returning(consent_links.c.id))
        return made.first() is not None

    def get(self, link_id: str) -> ConsentLink | None:
        row = self._c.execute(select(consent_links)
                              .where(consent_links.c.id == link_id)).first()
        return None if row is None else _link(row)

    def of_intro(self, intro_id: IntroId) -> list[ConsentLink]:
        rows = self._c.execute(select(consent_links)
                               .where(consent_links.c.intro_id == intro_id)
                               .order_by(consent_links.c.created_at)).all()
        return [_link(r) for r in rows]

    def of_intros(self, intro_ids: list[IntroId], purpose: LinkPurpose) -> list[ConsentLink]:
        if not intro_ids:
            return []
        rows = self._c.execute(select(consent_links).where(
            consent_links.c.intro_id.in_(intro_ids),
            consent_links.c.purpose == purpose.value)).all()
        return [_link(r) for r in rows]

    def reminders_due(self, now: datetime, sent_before: datetime) -> list[ConsentLink]:
        rows = self._c.execute(select(consent_links).where(
            consent_links.c.purpose == LinkPurpose.ANSWER.value,
            consent_links.c.used_at.is_(None), consent_links.c.reminded_at.is_(None),
            consent_links.c.created_at <= sent_before,
            consent_links.c.expires_at > now)).all()
        return [_link(r) for r in rows]

    def mark_reminded(self, link_id: str, at: datetime) -> bool:
        result = self._c.execute(update(consent_links).where(
            consent_links.c.id == link_id, consent_links.c.reminded_at.is_(None))
            .values(reminded_at=at))
        return result.rowcount == 1

    def use(self, link_id: str, answer: Choice, at: datetime) -> bool:
        result = self._c.execute(update(consent_links).where(
            consent_links.c.id == link_id, consent_links.c.used_at.is_(None),
            consent_links.c.expires_at > at).values(used_at=at, answer=answer.value))
        return result.rowcount == 1

    def key(self, now: datetime) -> bytes:
        """The key that signs the links, made now if missing (migration 0028 makes it)."""
        found = self._c.execute(select(server_keys.c.secret)
                                .where(server_keys.c.name == _KEY)).scalar()
        if found is None:
            insert = (postgresql_insert if self._c.dialect.name == "postgresql"
                      else sqlite_insert)(server_keys).values(
                name=_KEY, secret=os.urandom(32).hex(), created_at=now)
            self._c.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
            found = self._c.execute(select(server_keys.c.secret)
                                    .where(server_keys.c.name == _KEY)).scalar_one()
        return bytes.fromhex(found)


def _link(row: Any) -> ConsentLink:
    created, expires = aware(row.created_at), aware(row.expires_at)
    assert created is not None and expires is not None  # NOT NULL columns
    return ConsentLink(id=row.id, intro_id=IntroId(row.intro_id), role=Role(row.role),
                       purpose=LinkPurpose(row.purpose), created_at=created,
                       expires_at=expires, reminded_at=aware(row.reminded_at),
                       used_at=aware(row.used_at),
                       answer=Choice(row.answer) if row.answer else None)
