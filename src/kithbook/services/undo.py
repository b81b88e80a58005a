"""Undo: what a removal or a merge took away is kept for a while and can be put back.

A removed contact comes back with their interactions (links to people or interactions
removed since are left out); a removed interaction comes back as long as its contacts
are still in the book; a merge is undone as long as the contact kept has not changed
since (no edit, no new interaction), so an undo never throws away work done after it.
Entries older than `KEEP_FOR` are purged whenever a new one is kept or one is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kithbook.domain.errors import Conflict, NotFound
from kithbook.domain.ids import ContactId, MemberId, new_id
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.undo_ports import UndoEntry

KEEP_FOR = timedelta(days=30)
RECENT = 20
INTERACTION, MERGE, CONTACT = "interaction", "merge", "contact"


@dataclass(frozen=True)
class Undone:
    kind: str
    label: str
    contacts: tuple[ContactId, ...]


def keep_for_undo(uow: UnitOfWork, actor: MemberId, kind: str, label: str, rows: str,
                  guard: dict[str, Any], clock: Clock) -> UndoEntry:
    """Inside the use case's open unit of work: keep `rows` as one undo entry."""
    now = clock.now()
    uow.undo.purge(now - KEEP_FOR)
    entry = UndoEntry(id=new_id(), owner=actor, kind=kind, label=label[:500], guard=guard,
                      rows=rows, created_at=now)
    uow.undo.add(entry)
    return entry


def undo(uow: UnitOfWork, actor: MemberId, entry_id: str, clock: Clock) -> Undone:
    with uow:
        uow.undo.purge(clock.now() - KEEP_FOR)
        wanted = entry_id.strip().lower()
        entry = uow.undo.get(actor, wanted) if wanted else None
        if entry is None:
            raise NotFound(f"nothing to undo under {wanted!r}: it was undone already, or is "
                           f"older than {KEEP_FOR.days} days.", field="undo")
        _check(uow, actor, entry)
        contacts = uow.undo.restore(actor, entry.rows)
        uow.ties.refresh_activity(contacts)
        uow.undo.remove(entry.id)
        uow.commit()
        return Undone(entry.kind, entry.label, tuple(contacts))


def recent(uow: UnitOfWork, actor: MemberId) -> list[UndoEntry]:
    """What can still be undone, newest first."""
    with uow.reading():
        return uow.undo.recent(actor, RECENT)


def _check(uow: UnitOfWork, actor: MemberId, entry: UndoEntry) -> None:
    guard = entry.guard
    if entry.kind == CONTACT:
        # Ids are never given twice, so nothing can stand in the removed contact's place;
        # what it was linked to and is gone since is left out (`restore`).
        return
    if entry.kind == INTERACTION:
        if uow.undo.contacts_missing(actor, [ContactId(c) for c in guard["contacts"]]):
            raise Conflict(f"cannot put back {entry.label}: someone it involved was removed "
                           "from the book since.")
        return
    kept = uow.contacts.get(actor, ContactId(guard["contact"]))
    if kept is None or kept.version != guard["version"] or \
            uow.interactions.count_for(actor, [kept.id]) != guard["interactions"]:
        raise Conflict(f"cannot undo {entry.label}: the contact kept was edited, removed "
                       "or given new interactions since, and undoing would lose that.")
