"""Likely duplicates in a book, found on demand, and merging them without losing anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from kithbook.domain.contacts import Contact
from kithbook.domain.duplicate_index import DuplicateIndex, book_order
from kithbook.domain.duplicates import (
    Candidate,
    DuplicateGroup,
    Evidence,
    MergePlan,
    find_duplicates,
    merged_tie,
    plan_merge,
)
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.important_dates import MAX_DATES, check_dates
from kithbook.services import undo
from kithbook.services.path_network import PathsCache
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.references import resolve_contact


@dataclass(frozen=True)
class DuplicateSet:
    """Contacts that are likely one person, in the book's order, with the reasons why."""

    contacts: tuple[Contact, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class MergeResult:
    contact: Contact  # the survivor as it is now
    absorbed: tuple[Contact, ...]
    plan: MergePlan
    interactions_moved: int
    interaction_count: int  # the survivor's interactions after the merge
    undo_id: str  # what `undo` takes to split them again


def list_duplicates(uow: UnitOfWork, actor: MemberId,
                    cache: PathsCache | None = None) -> list[DuplicateSet]:
    """Every set of likely duplicates. With `cache`, the list is kept until the member's
    book changes, and then updated from the contacts that changed (`DuplicateIndex`: the
    same list a whole comparison gives, which takes seconds on a large book, see
    docs/benchmarks.md); without, the whole book is compared."""
    def build() -> list[DuplicateSet]:
        contacts = sorted(uow.contacts.all(actor), key=lambda c: (c.name.casefold(), c.id))
        by_id = {c.id: c for c in contacts}
        groups = find_duplicates(Candidate.of(c) for c in contacts)
        return [_set_of(g, by_id) for g in groups]

    with uow.reading():
        if cache is None:
            return build()
        # A copy: the kept list is shared by every request.
        return list(cache.value(uow, repr(("duplicates", actor)),
                                lambda: _updated(uow, actor, cache), owner=actor))


@dataclass
class _Kept:
    """What the last reading of a book's duplicates left for the next one to update."""

    index: DuplicateIndex
    stamps: dict[ContactId, tuple[int, str]]  # `Contacts.stamps` when it was read
    sets: dict[str, DuplicateSet]  # by the key of each set's first contact


def _updated(uow: UnitOfWork, actor: MemberId, cache: PathsCache) -> list[DuplicateSet]:
    """The duplicates after what changed since the kept reading (all of it the first
    time): the contacts whose version or time of change moved, came or went."""
    key = repr(("duplicates index", actor))
    kept = cache.kept(key)
    # An update that fails half-way must not leave a half-updated index for the next.
    cache.keep(key, None)
    stamps = uow.contacts.stamps(actor)
    if not isinstance(kept, _Kept):
        contacts = uow.contacts.all(actor)
        index = DuplicateIndex.of(sorted(map(Candidate.of, contacts), key=book_order))
        every = {c.id: c for c in contacts}
        kept = _Kept(index, stamps, {g.keys[0]: _set_of(g, every) for g in index.groups()})
    else:
        moved = [i for i, stamp in stamps.items() if kept.stamps.get(i) != stamp]
        fresh = uow.contacts.many(actor, moved)
        read = {c.id for c in fresh}
        gone = [i for i in kept.stamps if i not in stamps] + [i for i in moved if i not in read]
        # The contacts of the sets taken apart that did not change are as they were.
        by_id: dict[ContactId, Contact] = {}
        for first in kept.index.update(map(Candidate.of, fresh), gone):
            dropped = kept.sets.pop(first, None)
            if dropped is not None:
                by_id.update((c.id, c) for c in dropped.contacts)
        by_id.update((c.id, c) for c in fresh)
        new = [g for g in kept.index.groups() if g.keys[0] not in kept.sets]
        by_id.update((c.id, c) for c in uow.contacts.many(
            actor, [ContactId(k) for g in new for k in g.keys if k not in by_id]))
        kept.sets.update((g.keys[0], _set_of(g, by_id)) for g in new)
        kept.stamps = stamps
    cache.keep(key, kept)
    return [kept.sets[g.keys[0]] for g in kept.index.groups()]


def _set_of(group: DuplicateGroup, by_id: Mapping[ContactId, Contact]) -> DuplicateSet:
    return _in_order(tuple(by_id[ContactId(k)] for k in group.keys), group.evidence)


def _in_order(contacts: tuple[Contact, ...], evidence: tuple[Evidence, ...]) -> DuplicateSet:
    """The set with its evidence by the later of the two contacts each names, so that what
    links the first few contacts comes first (a page shows the first ten of a large set)."""
    position = {c.id: n for n, c in enumerate(contacts)}
    return DuplicateSet(contacts, tuple(sorted(
        evidence, key=lambda e: max(position[ContactId(k)] for k in e.keys))))


def merge_contacts(uow: UnitOfWork, actor: MemberId, keep: str, others: Sequence[str],
                   clock: Clock, *, take: Mapping[str, str] | None = None) -> MergeResult:
    """Merge `others` into `keep`; `take` names, per field, the contact to take it from.

    Every interaction of the others moves to the kept contact; their ties are united into
    one (the kept contact's settings first, the earliest start); then the others go.
    """
    if not others:
        raise InvalidInput("name at least one contact to merge into the one you keep.",
                           field="contacts")
    with uow:
        survivor = resolve_contact(uow, actor, keep)
        absorbed = [resolve_contact(uow, actor, ref) for ref in others]
        chosen = {name: resolve_contact(uow, actor, ref).id
                  for name, ref in (take or {}).items()}
        plan = plan_merge([survivor, *absorbed], survivor=survivor.id, prefer=chosen)
        kept = uow.undo.capture_contacts(actor, [survivor.id, *(c.id for c in absorbed)])
        fields = dict(vars(plan.fields))
        merged = replace(survivor, **fields, updated_at=clock.now())
        ties = [t for t in (uow.ties.get(actor, c.id) for c in (survivor, *absorbed))
                if t is not None]
        tie = merged_tie(survivor.id, ties)
        old_ids = [c.id for c in absorbed]
        moved = uow.interactions.move_links(actor, old_ids, survivor.id)
        # Important dates are united too (each once), before the others' rows go.
        dates = [d for c in (survivor, *absorbed) for d in uow.dates.for_contact(c.id)]
        if len(dates) > len(uow.dates.for_contact(survivor.id)):
            uow.dates.put(survivor.id, check_dates(list(dict.fromkeys(dates))[:MAX_DATES]))
        # The contact kept keeps its own picture; without one, it takes the first other's.
        if not uow.photos.has(survivor.id):
            photo = next((p for c in absorbed if (p := uow.photos.get(c.id)) is not None), None)
            if photo is not None:
                uow.photos.put(survivor.id, photo)
        for contact in absorbed:
            uow.contacts.delete(actor, contact.id)
        uow.contacts.update(merged, expected_version=survivor.version)
        current = uow.ties.get(actor, survivor.id)
        if tie is not None:
            if current is None:
                uow.ties.add(replace(tie, version=1))
            else:
                uow.ties.update(replace(tie, version=current.version),
                                expected_version=current.version)
        uow.ties.refresh_activity([survivor.id])
        after = uow.ties.get(actor, survivor.id)
        now = uow.contacts.get(actor, survivor.id)
        assert now is not None, "the survivor was updated in this transaction"
        entry = undo.keep_for_undo(
            uow, actor, undo.MERGE,
            f"the merge of {', '.join(c.name for c in absorbed)} into {survivor.name}", kept,
            {"contact": survivor.id, "version": now.version,
             "interactions": uow.interactions.count_for(actor, [survivor.id])}, clock)
        uow.commit()
        return MergeResult(merged, tuple(absorbed), plan, moved,
                           after.interaction_count if after else 0, entry.id)
