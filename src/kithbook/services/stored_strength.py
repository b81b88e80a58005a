"""Each tie's strength and stage, stored so that lists sort and filter by them in SQL,
with the evidence numbers the reports read (`TieFacts`).

The strength engine needs a tie's whole history, and its answer changes with the day
(recency decays, relationships age into stages). Lists of 100,000 contacts cannot run it
per request, so each tie keeps the engine's answer with the day it was computed for.
Any change to a tie or its interactions clears that day (storage does it in the same
statement), and a list first brings the stored answers up to date: the cleared ties one
by one, and the whole book on a new day (the web app after answering, see
`refresh_day`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.stages import assess_stage
from kithbook.graph.strength import StrengthParams
from kithbook.services.ports import StoredTie, UnitOfWork
from kithbook.services.tie_strength import compute_strength

# Past this many cleared ties, one snapshot of the whole book is cheaper than one each.
ONE_BY_ONE = 200
# A day's refresh writes this many ties per transaction, so that it never holds the write
# lock for long.
CHUNK = 5_000

_refreshing: set[MemberId] = set()
_refreshing_lock = threading.Lock()


def bring_up_to_date(uow: UnitOfWork, actor: MemberId, today: date, params: StrengthParams,
                     *, wait_for_day: bool = True) -> bool:
    """Make the stored strengths and stages of `actor`'s book current as of `today`.

    Ties cleared by a change are always recomputed here. Ties computed on an earlier day
    are too, unless `wait_for_day` is False: then they stay as they are and the answer is
    True, for the caller to run `refresh_day` after answering (on a 100,000-contact book
    it takes about a minute; yesterday's numbers are shown meanwhile)."""
    with uow.reading():
        missing, other_day = uow.depth.strengths_due(actor, today, ONE_BY_ONE)
    if nothing_to_do(missing, other_day, wait_for_day=wait_for_day):
        return other_day
    with uow:
        # Another request may have done it while we waited for the write lock.
        missing, other_day = uow.depth.strengths_due(actor, today, ONE_BY_ONE)
        whole = missing is None or (other_day and wait_for_day)
        if whole or missing:
            store(uow, actor, None if whole else missing, today, params)
            uow.commit()
            other_day = other_day and not whole
    return other_day


def from_another_day(uow: UnitOfWork, actor: MemberId, today: date) -> bool:
    """Whether some of `actor`'s stored strengths were computed on another day."""
    with uow.reading():
        return uow.depth.strengths_due(actor, today, ONE_BY_ONE)[1]


def nothing_to_do(missing: list[ContactId] | None, other_day: bool, *,
                  wait_for_day: bool) -> bool:
    """Whether `strengths_due`'s answer leaves nothing for `bring_up_to_date` to do."""
    return missing == [] and (not other_day or not wait_for_day)


def refresh_day(uow: UnitOfWork, actor: MemberId, today: date,
                params: StrengthParams) -> None:
    """Recompute every tie stored on an earlier day, reading in one transaction and
    writing in short ones; ties changed meanwhile are left for `bring_up_to_date`. One
    refresh per member at a time in this process; a second call returns at once."""
    with _refreshing_lock:
        if actor in _refreshing:
            return
        _refreshing.add(actor)
    try:
        with uow.reading():
            rows = _computed(uow, actor, None, today, params)
        for start in range(0, len(rows), CHUNK):
            with uow:
                uow.depth.store_strengths(actor, today, rows[start:start + CHUNK],
                                          only_dated=True)
                uow.commit()
    finally:
        with _refreshing_lock:
            _refreshing.discard(actor)


def store(uow: UnitOfWork, actor: MemberId, contacts: Sequence[ContactId] | None,
          today: date, params: StrengthParams) -> None:
    """Compute and store these ties' strength and stage (all of them for None), inside an
    open unit of work."""
    uow.depth.store_strengths(actor, today, _computed(uow, actor, contacts, today, params))


def _computed(uow: UnitOfWork, actor: MemberId, contacts: Sequence[ContactId] | None,
              today: date, params: StrengthParams) -> list[StoredTie]:
    snapshots = ([uow.depth.snapshot(actor)] if contacts is None
                 else [uow.depth.snapshot(actor, contact) for contact in contacts])
    rows: list[StoredTie] = []
    for snapshot in snapshots:
        if not snapshot.contacts:
            continue
        strength = compute_strength(snapshot, today, params)
        for i, contact in enumerate(snapshot.contacts):
            evidence = strength.evidence(i)
            rows.append(StoredTie(contact, float(evidence.strength),
                                  assess_stage(evidence).stage, evidence.given,
                                  evidence.received, evidence.known_since,
                                  evidence.last_contact))
    return rows
