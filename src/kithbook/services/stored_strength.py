"""Each tie's strength and stage, stored so that lists sort and filter by them in SQL.

The strength engine needs a tie's whole history, and its answer changes with the day
(recency decays, relationships age into stages). Lists of 100,000 contacts cannot run it
per request, so each tie keeps the engine's answer with the day it was computed for.
Any change to a tie or its interactions clears that day (storage does it in the same
statement), and a list first brings the stored answers up to date: the cleared ties one
by one, or the whole book at once on a new day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.stages import assess_stage
from kithbook.domain.ties import Stage
from kithbook.graph.strength import StrengthParams
from kithbook.services.ports import UnitOfWork
from kithbook.services.tie_strength import compute_strength

# Past this many cleared ties, one snapshot of the whole book is cheaper than one each.
ONE_BY_ONE = 200


def bring_up_to_date(uow: UnitOfWork, actor: MemberId, today: date,
                     params: StrengthParams) -> None:
    """Make every stored strength and stage of `actor`'s book current as of `today`."""
    with uow.reading():
        due = uow.depth.strengths_due(actor, today, ONE_BY_ONE)
    if due == []:
        return
    with uow:
        # Another request may have done it while we waited for the write lock.
        due = uow.depth.strengths_due(actor, today, ONE_BY_ONE)
        if due != []:
            store(uow, actor, due, today, params)
            uow.commit()


def store(uow: UnitOfWork, actor: MemberId, contacts: Sequence[ContactId] | None,
          today: date, params: StrengthParams) -> None:
    """Compute and store these ties' strength and stage (all of them for None), inside an
    open unit of work."""
    snapshots = ([uow.depth.snapshot(actor)] if contacts is None
                 else [uow.depth.snapshot(actor, contact) for contact in contacts])
    rows: list[tuple[ContactId, float, Stage]] = []
    for snapshot in snapshots:
        if not snapshot.contacts:
            continue
        strength = compute_strength(snapshot, today, params)
        for i, contact in enumerate(snapshot.contacts):
            evidence = strength.evidence(i)
            rows.append((contact, float(evidence.strength), assess_stage(evidence).stage))
    uow.depth.store_strengths(actor, today, rows)
