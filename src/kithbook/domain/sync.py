"""Two-way sync as plain data: the fields a contact and a card share, a three-way merge
of each field against what both sides held after the last sync, and the safety stop.

A field changed on one side only since the last sync goes to the other side. Changed on
both to different values, it is a conflict: neither side is overwritten, and the member
chooses on the conflicts page. A card first linked to a contact (by email or phone) has
no last sync: lists are joined, a value one side lacks is taken from the other, and two
different values are a conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kithbook.domain.contacts import Contact, Labeled, clean_tag
from kithbook.domain.errors import InvalidInput
from kithbook.domain.important_dates import DateKind, ImportantDate

FIELDS = ("name", "emails", "phones", "organization", "role", "notes", "tags", "dates",
          "photo")
LISTS = frozenset({"emails", "phones", "tags", "dates"})
DEFAULT_MAX_DELETE_SHARE = 0.10

Snapshot = dict[str, Any]  # field -> JSON value, as both sides compare it


def snapshot(name: str | None, emails: Sequence[Labeled], phones: Sequence[Labeled],
             organization: str | None, role: str | None, notes: str | None,
             tags: Sequence[str], dates: Sequence[ImportantDate],
             photo: str | None = None) -> Snapshot:
    """The shared fields in one canonical form (tags folded and sorted, dates in order,
    the photo by `photo_key`)."""
    return {
        "name": name or "",
        "emails": [[e.value, e.label] for e in emails],
        "phones": [[p.value, p.label] for p in phones],
        "organization": organization, "role": role, "notes": notes,
        "tags": sorted({clean_tag(t) for t in tags if t.strip()}),
        "dates": [[d.kind.value, d.month, d.day, d.year, d.label] for d in dates],
        "photo": photo,
    }


def contact_snapshot(contact: Contact, dates: Sequence[ImportantDate],
                     photo: str | None = None) -> Snapshot:
    return snapshot(contact.name, contact.emails, contact.phones, contact.organization,
                    contact.role, contact.notes, contact.tags, dates, photo)


def photo_key(data: bytes | None) -> str | None:
    """A picture as the merge compares it: its digest, never the bytes."""
    return hashlib.sha256(data).hexdigest()[:32] if data else None


def labeled(value: Any) -> list[Labeled]:
    return [Labeled(str(v), None if label is None else str(label)) for v, label in value]


def important_dates(value: Any) -> list[ImportantDate]:
    return [ImportantDate(DateKind(k), int(m), int(d), None if y is None else int(y), label)
            for k, m, d, y, label in value]


@dataclass(frozen=True)
class FieldConflict:
    field: str
    ours: Any
    theirs: Any


@dataclass
class Merged:
    """The value each side should now hold; conflicting fields keep each side's own."""

    ours: Snapshot
    theirs: Snapshot
    base: Snapshot  # what the next sync compares against
    conflicts: list[FieldConflict] = field(default_factory=list)

    def local_changed(self, before: Snapshot) -> bool:
        return self.ours != before

    def remote_changed(self, before: Snapshot) -> bool:
        return self.theirs != before


def merge(base: Snapshot | None, ours: Snapshot, theirs: Snapshot,
          held: frozenset[str] = frozenset()) -> Merged:
    """Field by field; `held`: fields already waiting in the conflict list, left as they
    are on both sides until the member chooses."""
    out = Merged(dict(ours), dict(theirs), dict(base or {}))
    for name in FIELDS:
        mine, other = ours.get(name), theirs.get(name)
        if name in held:
            continue
        if mine == other:
            out.base[name] = mine
            continue
        if base is None:
            value = _joined(name, mine, other)
        elif mine == base.get(name):
            value = other
        elif other == base.get(name):
            value = mine
        else:
            value = _CONFLICT
        if value is _CONFLICT:  # a value may be None (a field emptied): not a conflict
            out.conflicts.append(FieldConflict(name, mine, other))
            continue
        out.ours[name] = out.theirs[name] = out.base[name] = value
    return out


_CONFLICT = object()


def _joined(name: str, mine: Any, other: Any) -> Any:
    """First link: lists joined (ours first), a missing value taken; else `_CONFLICT`."""
    if name in LISTS:
        joined = list(mine or [])
        joined += [item for item in other or [] if item not in joined]
        if name in ("emails", "phones"):
            firsts: dict[str, Any] = {}
            for item in joined:
                firsts.setdefault(item[0], item)
            joined = list(firsts.values())
        return sorted(joined) if name == "tags" else joined
    if mine in (None, ""):
        return other
    if other in (None, ""):
        return mine
    return _CONFLICT


def check_share(share: float) -> float:
    if not 0 <= share <= 1:
        raise InvalidInput("the share of the book a sync may delete is between 0 and 1 "
                           "(0.1 is 10 %).", field="max_delete")
    return share


def too_many_deletes(deletes: int, book_size: int, share: float) -> bool:
    """The safety stop: more deletions than `share` of the book (at least one allowed)."""
    return deletes > max(1, int(book_size * share))


def shown(value: Any) -> str:
    """A field's value as the conflicts page and the CLI show it."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, str) and len(value) == 32 and value.isalnum() and value.islower():
        return f"a picture ({value[:8]})"
    if isinstance(value, list):
        return ", ".join(_item(v) for v in value)
    return str(value)


def _item(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{value[0]} ({value[1]})" if value[1] else str(value[0])
    if isinstance(value, list) and len(value) == 5:
        kind, month, day, year, label = value
        when = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        return f"{label or kind} {when}"
    return str(value)


def by_field(conflicts: Sequence[FieldConflict]) -> Mapping[str, FieldConflict]:
    return {c.field: c for c in conflicts}


@dataclass
class SyncCard:
    """One card of a synced address book and the contact it stands for (None: the
    contact was deleted in the book since the last sync)."""

    href: str
    contact: str | None
    uid: str
    etag: str | None
    base: Snapshot
    card: str


@dataclass(frozen=True)
class StoredConflict:
    id: str
    source: str
    contact: str
    contact_name: str
    field: str
    ours: Any
    theirs: Any
