"""The strength engine fed from storage: one member's snapshot in, strengths out.

`compute_strength` runs `graph.strength` over a `DepthSnapshot` (all ties at once);
`strength_of` is the one-tie reading the introducer's risk brief shows: the number and
the evidence behind it, in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from kithbook.domain.evidence import describe_strength
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.ties import MAX_TRUST, Tie
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


# Network-wide searches weigh every tie of every member at once; running the engine over
# every member's whole history for each rebuild would cost seconds. Until strengths are
# stored with the ties, paths use this estimate from the tie row alone: half what the
# member said (stated trust), half what they did (interactions, saturating at about 0.63
# of that half after 5), and the member's own correction when there is one.
_TRUST_WEIGHT = 0.5
_ACTIVITY_SCALE = 5.0


def estimate_strength(tie: Tie) -> Strength:
    """A quick strength from the tie row alone (see above), with its evidence."""
    if tie.strength_override is not None:
        return Strength(tie.strength_override, ("you set this strength yourself.",))
    trust = (tie.stated_trust or 0) / MAX_TRUST
    activity = 1.0 - math.exp(-tie.interaction_count / _ACTIVITY_SCALE)
    value = _TRUST_WEIGHT * trust + (1.0 - _TRUST_WEIGHT) * activity
    stated = (f"you trust them at {tie.stated_trust}/{MAX_TRUST}" if tie.stated_trust
              else "you have not said how much you trust them")
    last = (f", the last on {tie.last_interaction_on:%Y-%m-%d}"
            if tie.last_interaction_on else "")
    return Strength(round(value, 2), (
        f"{stated}.",
        f"{tie.interaction_count} interaction{'s' * (tie.interaction_count != 1)} "
        f"logged{last}."))
