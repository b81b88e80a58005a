"""The network in bulk: members, contacts and ties read in a few queries for path search.

`community()` numbers the members first and then every contact not linked to a member,
each in id order, so numbering never depends on when a row was written; a tie points at
the member its contact is linked to, or at the contact itself. `book(owner)` is the local
view: the member (person 0), their contacts, and the links they recorded between them.
Contact links (`contact_knows`) are the member's own knowledge and live here too.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, select, text

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.policies import effective_policy
from kithbook.services.ports import ContactLink, NetworkPerson, NetworkRows, NetworkTie
from kithbook.storage.members import member_from_row
from kithbook.storage.rows import aware
from kithbook.storage.tables import contact_knows, contact_tags, contacts, members, ties
from kithbook.storage.ties import tie_from_row


class SqlNetwork:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def state(self) -> str | None:
        if self._c.dialect.name == "postgresql":
            # Changes whenever any transaction starts writing or ends anywhere on the
            # server: sometimes when nothing we read changed, never missing a commit.
            return str(self._c.execute(text("SELECT pg_current_snapshot()::text")).scalar())
        return _sqlite_file_state(self._c.engine.url.database)

    def community(self) -> NetworkRows:
        member_rows = self._c.execute(select(members).order_by(members.c.id)).all()
        contact_rows = self._c.execute(
            select(contacts.c.id, contacts.c.owner_id, contacts.c.name, contacts.c.organization,
                   contacts.c.role, contacts.c.location, contacts.c.linked_member_id)
            .order_by(contacts.c.id)).all()
        tags = self._tags(None)
        people: list[NetworkPerson] = []
        number: dict[str, int] = {}
        defaults = {}
        for row in member_rows:
            member = member_from_row(row)
            # The policy every tie without its own follows, made once per member.
            defaults[member.id] = effective_policy(None, member.default_policy).policy
            number["m" + row.id] = len(people)
            people.append(NetworkPerson(name=row.name, member=member.id, headline=row.name))
        target: dict[str, int] = {}
        for row in contact_rows:
            if row.linked_member_id is not None and "m" + row.linked_member_id in number:
                target[row.id] = number["m" + row.linked_member_id]
                continue
            target[row.id] = len(people)
            people.append(_contact_person(row, tags.get(row.id, ())))
        out = []
        for row in self._c.execute(select(ties)).all():
            tie = tie_from_row(row)
            src, dst = number["m" + row.owner_id], target[row.contact_id]
            if src != dst:  # a member's card for themselves is no tie
                out.append(NetworkTie(src, dst, tie, tie.policy or defaults[tie.owner]))
        return NetworkRows(people, out)

    def book(self, owner: MemberId) -> NetworkRows:
        row = self._c.execute(select(members).where(members.c.id == owner)).first()
        if row is None:
            return NetworkRows([], [])
        member = member_from_row(row)
        people = [NetworkPerson(name=member.name, member=member.id, headline=member.name)]
        tags = self._tags(owner)
        number: dict[str, int] = {}
        for c in self._c.execute(
                select(contacts.c.id, contacts.c.owner_id, contacts.c.name,
                       contacts.c.organization, contacts.c.role, contacts.c.location)
                .where(contacts.c.owner_id == owner).order_by(contacts.c.id)).all():
            number[c.id] = len(people)
            people.append(_contact_person(c, tags.get(c.id, ())))
        out = []
        default = effective_policy(None, member.default_policy).policy
        for t in self._c.execute(select(ties).where(ties.c.owner_id == owner)).all():
            tie = tie_from_row(t)
            out.append(NetworkTie(0, number[t.contact_id], tie, tie.policy or default))
        links = [(number[link.a], number[link.b], link.strength)
                 for link in ContactLinks(self._c).of_owner(owner)]
        return NetworkRows(people, out, links)

    def _tags(self, owner: MemberId | None) -> dict[str, tuple[str, ...]]:
        query = select(contact_tags.c.contact_id, contact_tags.c.tag).order_by(
            contact_tags.c.contact_id, contact_tags.c.tag)
        if owner is not None:
            query = query.join(contacts, contacts.c.id == contact_tags.c.contact_id).where(
                contacts.c.owner_id == owner)
        found: dict[str, list[str]] = defaultdict(list)
        for row in self._c.execute(query):
            found[row.contact_id].append(row.tag)
        return {k: tuple(v) for k, v in found.items()}


class ContactLinks:
    """Who knows whom among one member's contacts; each pair is stored once, a < b."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, link: ContactLink) -> bool:
        a, b = sorted((link.a, link.b))
        where = and_(contact_knows.c.contact_a == a, contact_knows.c.contact_b == b)
        exists = self._c.execute(select(contact_knows.c.owner_id).where(where)).first()
        values = {"strength": link.strength, "note": link.note}
        if exists:
            self._c.execute(contact_knows.update().where(where).values(values))
            return False
        self._c.execute(contact_knows.insert(), {
            "contact_a": a, "contact_b": b, "owner_id": link.owner,
            "created_at": link.created_at, **values})
        return True

    def remove(self, owner: MemberId, a: ContactId, b: ContactId) -> bool:
        a, b = sorted((a, b))
        result = self._c.execute(delete(contact_knows).where(
            contact_knows.c.owner_id == owner, contact_knows.c.contact_a == a,
            contact_knows.c.contact_b == b))
        return bool(result.rowcount)

    def of_owner(self, owner: MemberId) -> list[ContactLink]:
        rows = self._c.execute(select(contact_knows).where(contact_knows.c.owner_id == owner)
                               .order_by(contact_knows.c.contact_a, contact_knows.c.contact_b))
        return [ContactLink(MemberId(r.owner_id), ContactId(r.contact_a), ContactId(r.contact_b),
                            float(r.strength), r.note, aware(r.created_at)) for r in rows]


def _contact_person(row: Any, tags: tuple[str, ...]) -> NetworkPerson:
    detail = ", ".join(part for part in (row.role, row.organization) if part)
    return NetworkPerson(
        name=row.name, contact=ContactId(row.id), owner=MemberId(row.owner_id),
        headline=f"{row.name} ({detail})" if detail else row.name,
        organization=row.organization, role=row.role, location=row.location, tags=tags)


def _sqlite_file_state(database: str | None) -> str | None:
    """What changes on disk with every commit in WAL mode: the write-ahead log grows by
    the commit's frames, or starts over with a new header (salt) after a checkpoint."""
    if not database or database == ":memory:":
        return None
    main, wal = Path(database), Path(database + "-wal")
    try:
        seen = main.stat()
        parts: list[object] = [seen.st_size, seen.st_mtime_ns]
        if wal.exists():
            with wal.open("rb") as log:
                header = log.read(32)
                parts += [log.seek(0, 2), header.hex()]
    except OSError:
        return None
    return ":".join(str(p) for p in parts)
