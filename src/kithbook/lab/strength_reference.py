"""The strength model stated one interaction at a time, in plain Python.

This is the readable statement of what `graph.strength.tie_strength` computes over
arrays. It is slow on purpose — no numpy — and serves as the yardstick the array
version is checked against (tests, and `bench/strength_bench.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kithbook.domain.interactions import GIVING_KINDS, Direction
from kithbook.graph.strength import DIRECTIONS, KINDS, StrengthParams

__all__ = ["strength_by_loop"]


def strength_by_loop(
    *,
    tie: Sequence[int],
    kind: Sequence[int],
    direction: Sequence[int],
    day: Sequence[int],
    stated_trust: Sequence[int],
    start_day: Sequence[int],
    correction: Sequence[float],
    correction_day: Sequence[int],
    as_of: int,
    params: StrengthParams | None = None,
) -> list[float]:
    """Strength per tie, exactly as the model says, with a loop over interactions."""
    p = params or StrengthParams()
    n = len(stated_trust)
    corrected = [not math.isnan(correction[i]) and correction_day[i] <= as_of for i in range(n)]
    tallies = [_Tally() for _ in range(n)]
    for t, k, d, dd in zip(tie, kind, direction, day, strict=True):
        if dd > as_of:
            continue  # has not happened yet
        tallies[t].add(k, d, dd, as_of, p, after_correction=corrected[t]
                       and dd > correction_day[t])
    out: list[float] = []
    for i, tally in enumerate(tallies):
        start = start_day[i] if 1 <= start_day[i] <= as_of else None
        computed = tally.computed(start, stated_trust[i], as_of, p)
        if corrected[i]:
            held = 2.0 ** (-tally.since / p.correction_half_life)
            target = min(1.0, max(0.0, correction[i]))
            computed = computed + held * (target - computed)
        out.append(min(1.0, max(0.0, computed)))
    return out


@dataclass
class _Tally:
    """What one tie's interactions add up to by `as_of`."""

    mass: float = 0.0
    gave: float = 0.0
    received: float = 0.0
    first: int | None = None
    last: int | None = None
    since: int = 0  # interactions after the member's correction

    def add(self, k: int, d: int, dd: int, as_of: int, p: StrengthParams, *,
            after_correction: bool) -> None:
        w = p.kind_weights[k] * 2.0 ** (-(as_of - dd) / p.half_life_days)
        self.mass += w
        if KINDS[k] in GIVING_KINDS:
            if DIRECTIONS[d] is not Direction.RECEIVED:
                self.gave += w
            if DIRECTIONS[d] is not Direction.GAVE:
                self.received += w
        self.first = dd if self.first is None else min(self.first, dd)
        self.last = dd if self.last is None else max(self.last, dd)
        if after_correction:
            self.since += 1

    def computed(self, start: int | None, stated_trust: int, as_of: int,
                 p: StrengthParams) -> float:
        """The five components' weighted sum, in [0, 1], before any correction."""
        w_rec, w_dep, w_rcp, w_dur, w_tru = p.component_weights
        known = [x for x in (self.first, self.last, start) if x is not None]
        if known:
            anchor, origin = max(known), min(known)
            quiet = as_of - anchor
            recency = 2.0 ** (-quiet / p.half_life_days)
            duration = ((1.0 - math.exp(-(anchor - origin) / p.duration_scale_days))
                        * 2.0 ** (-quiet / p.lasting_half_life_days))
        else:
            recency = duration = 0.0
        depth = 1.0 - math.exp(-self.mass / p.depth_scale)
        reciprocity = 1.0 - math.exp(-min(self.gave, self.received) / p.reciprocity_scale)
        trust = stated_trust / 5.0
        computed: float = (w_rec * recency + w_dep * depth + w_rcp * reciprocity
                    + w_dur * duration + w_tru * trust)
        return min(1.0, max(0.0, computed))
