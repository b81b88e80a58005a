"""Fakes for the ports we own (never for the database)."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Self

from kithbook.domain.contacts import Contact, fold
from kithbook.domain.errors import Conflict
from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.introductions import OPEN_STATES, Introduction
from kithbook.domain.members import Member
from kithbook.domain.notifications import Notification, OutgoingMail
from kithbook.domain.ties import Tie


class FixedClock:
    """A clock that says what the test tells it to."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.date()

    def advance(self, days: float) -> None:
        self.current += timedelta(days=days)


# ---- an in-memory unit of work ---------------------------------------------------------
#
# Use-case tests run against these in microseconds; the same scenarios run against SQLite
# and PostgreSQL in `tests/integration`, and `tests/unit/services/test_fakes_agree.py`
# holds the fakes to what the database repositories answer. Only what the use cases under
# fast test need is here: a repository a use case reaches that is not here fails loudly.


@dataclass
class _Rows:
    """Everything the fake database holds; copied whole at the start of a unit of work,
    so a unit of work left without `commit` leaves it as it was."""

    members: dict[MemberId, Member] = field(default_factory=dict)
    contacts: dict[tuple[MemberId, ContactId], Contact] = field(default_factory=dict)
    member_links: dict[tuple[MemberId, ContactId], MemberId] = field(default_factory=dict)
    ties: dict[tuple[MemberId, ContactId], Tie] = field(default_factory=dict)
    intros: dict[IntroId, Introduction] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)
    outbox: list[tuple[OutgoingMail, datetime]] = field(default_factory=list)
    handle_key: bytes | None = None


class _Members:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def add(self, member: Member) -> None:
        self._rows.members[member.id] = replace(member)

    def get(self, member_id: MemberId) -> Member | None:
        found = self._rows.members.get(member_id)
        return replace(found) if found is not None else None

    def count(self) -> int:
        return len(self._rows.members)


class _Contacts:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def add(self, contact: Contact) -> None:
        self._rows.contacts[contact.owner, contact.id] = deepcopy(contact)

    def get(self, owner: MemberId, contact_id: ContactId) -> Contact | None:
        return deepcopy(self._rows.contacts.get((owner, contact_id)))

    def _of(self, owner: MemberId) -> list[Contact]:
        return [deepcopy(c) for (o, _), c in self._rows.contacts.items() if o == owner]

    def with_id_prefix(self, owner: MemberId, prefix: str, limit: int) -> list[Contact]:
        return [c for c in self._of(owner) if c.id.startswith(prefix)][:limit]

    def with_name_part(self, owner: MemberId, part: str, limit: int) -> list[Contact]:
        found = sorted((c for c in self._of(owner) if fold(part) in fold(c.name)),
                       key=lambda c: fold(c.name))
        return found[:limit]

    def names(self, owner: MemberId) -> list[tuple[ContactId, str]]:
        return [(c.id, c.name) for c in self._of(owner)]

    def with_email(self, owner: MemberId, address: str) -> list[Contact]:
        wanted = address.strip().lower()
        return [c for c in self._of(owner)
                if any(e.value.lower() == wanted for e in c.emails)]

    def link_member(self, owner: MemberId, contact_id: ContactId, member: MemberId) -> None:
        self._rows.member_links[owner, contact_id] = member

    def linked_to(self, owner: MemberId, member: MemberId) -> Contact | None:
        return next((self.get(owner, c) for (o, c), m in self._rows.member_links.items()
                     if o == owner and m == member), None)

    def linked_member(self, owner: MemberId, contact_id: ContactId) -> MemberId | None:
        return self._rows.member_links.get((owner, contact_id))


class _Ties:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def add(self, tie: Tie) -> None:
        self._rows.ties[tie.owner, tie.contact] = deepcopy(tie)

    def get(self, owner: MemberId, contact_id: ContactId) -> Tie | None:
        return deepcopy(self._rows.ties.get((owner, contact_id)))


class _Introductions:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def add(self, intro: Introduction) -> None:
        self._rows.intros[intro.id] = deepcopy(intro)

    def save(self, intro: Introduction, *, loaded_version: int) -> None:
        stored = self._rows.intros.get(intro.id)
        if stored is None or stored.version != loaded_version:
            raise Conflict("someone else answered this request at the same moment.")
        self._rows.intros[intro.id] = deepcopy(intro)

    def get(self, intro_id: IntroId) -> Introduction | None:
        return deepcopy(self._rows.intros.get(intro_id))

    def _where(self, keep: Callable[[Introduction], bool]) -> list[Introduction]:
        found = [deepcopy(i) for i in self._rows.intros.values() if keep(i)]
        return sorted(found, key=lambda i: (i.created_at, i.id), reverse=True)

    def involving(self, member: MemberId) -> list[Introduction]:
        return self._where(lambda i: i.role_of(member) is not None)

    def requested_by(self, member: MemberId) -> list[Introduction]:
        return self._where(lambda i: i.requester.member == member)

    def hold_requests_of(self, member: MemberId) -> None:
        """One process, one unit of work at a time: nothing to hold."""

    def introduced_by(self, member: MemberId) -> list[Introduction]:
        return self._where(lambda i: i.introducer.member == member)

    def from_outsider(self, email: str) -> list[Introduction]:
        wanted = email.strip().lower()
        return self._where(lambda i: i.requester.member is None
                           and (i.requester.email or "").lower() == wanted)

    def open(self, created_before: datetime | None = None) -> list[Introduction]:
        return self._where(lambda i: i.state in OPEN_STATES and (
            created_before is None or i.created_at <= created_before))


class _Notifications:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def add(self, notification: Notification) -> None:
        self._rows.notifications.append(notification)

    def for_member(self, member: MemberId, limit: int) -> list[Notification]:
        mine = [n for n in self._rows.notifications if n.member_id == member]
        return sorted(mine, key=lambda n: (-n.created_at.timestamp(), n.id))[:limit]


class _Outbox:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def add(self, mail: OutgoingMail, at: datetime) -> None:
        self._rows.outbox.append((mail, at))

    def pending(self) -> int:
        return len(self._rows.outbox)


class _Network:
    def __init__(self, rows: _Rows) -> None:
        self._rows = rows

    def handle_key(self) -> bytes | None:
        return self._rows.handle_key

    def add_handle_key(self, secret: bytes, at: datetime) -> None:
        self._rows.handle_key = self._rows.handle_key or secret


class FakeUnitOfWork:
    """The unit of work over `_Rows`: what a committed unit of work wrote stays, anything
    else is put back as it was when the unit of work began."""

    def __init__(self) -> None:
        self.rows = _Rows()
        self.commits = 0
        self._before: _Rows | None = None
        self._bind()

    def _bind(self) -> None:
        self.members = _Members(self.rows)
        self.contacts = _Contacts(self.rows)
        self.ties = _Ties(self.rows)
        self.introductions = _Introductions(self.rows)
        self.notifications = _Notifications(self.rows)
        self.outbox = _Outbox(self.rows)
        self.network = _Network(self.rows)

    def __enter__(self) -> Self:
        self._before = deepcopy(self.rows)
        return self

    def reading(self) -> Self:
        return self.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def commit(self) -> None:
        self.commits += 1
        self._before = deepcopy(self.rows)

    def rollback(self) -> None:
        if self._before is not None:
            self.rows, self._before = self._before, None
            self._bind()
