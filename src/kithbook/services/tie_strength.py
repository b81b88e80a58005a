"""The strength engine fed from storage: one member's snapshot in, strengths out.

`compute_strength` runs `graph.strength` over a `DepthSnapshot` (all ties at once);
`strength_of` is the one-tie reading the introducer's risk brief shows: the number and
the evidence behind it, in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kithbook.domain.evidence import describe_strength
from kithbook.domain.ids import ContactId, MemberId
from kithbook.graph.strength import StrengthParams, TieStrength, day_number, tie_strength
from kithbook.services.ports import DepthSnapshot, UnitOfWork


@dataclass(frozen=True)
class Strength:
    value: float  # in [0, 1]
    evidence: tuple[str, ...]


def strength_params(half_life_days: float) -> StrengthParams:
    return StrengthParams(half_life_days=half_life_days)


def compute_strength(snapshot: DepthSnapshot, today: date,
                     params: StrengthParams) -> TieStrength:
    """Strength and evidence of every tie in the snapshot, as of `today`."""
    return tie_strength(tie=snapshot.tie, kind=snapshot.kind, direction=snapshot.direction,
                        day=snapshot.day, stated_trust=snapshot.stated_trust,
                        start_day=snapshot.start_day, correction=snapshot.correction,
                        correction_day=snapshot.correction_day, as_of=day_number(today),
                        params=params)


def strength_of(uow: UnitOfWork, owner: MemberId, contact: ContactId, today: date,
                params: StrengthParams) -> Strength | None:
    """One tie's strength and its evidence; call inside an open unit of work."""
    snapshot = uow.depth.snapshot(owner, contact)
    if not snapshot.contacts:
        return None
    evidence = compute_strength(snapshot, today, params).evidence(0)
    return Strength(round(evidence.strength, 2), tuple(describe_strength(evidence)))
