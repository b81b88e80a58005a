"""How strong a tie is, for the risk brief: a stand-in until the strength engine lands.

One function, so the brief can switch to the graph's strength without changing shape:
it returns the number and the evidence behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kithbook.domain.ties import MAX_TRUST, Tie

# Half the weight on what the member said (stated trust), half on what they did
# (interactions, saturating: 5 interactions give about 0.63 of that half).
_TRUST_WEIGHT = 0.5
_ACTIVITY_SCALE = 5.0


@dataclass(frozen=True)
class Strength:
    value: float  # in [0, 1]
    evidence: tuple[str, ...]


def estimate_strength(tie: Tie) -> Strength:
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
