"""The strength model stated one interaction at a time, in plain Python.

This is the readable statement of what `graph.strength.tie_strength` computes over
arrays. It is slow on purpose — no numpy — and serves as the yardstick the array
version is checked against (tests, and `bench/strength_bench.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
    mass = [0.0] * n
    gave = [0.0] * n
    received = [0.0] * n
    first: list[int | None] = [None] * n
    last: list[int | None] = [None] * n
    since = [0] * n
    corrected = [not math.isnan(correction[i]) and correction_day[i] <= as_of for i in range(n)]

    for t, k, d, dd in zip(tie, kind, direction, day, strict=True):
        if dd > as_of:
            continue  # has not happened yet
        w = p.kind_weights[k] * 2.0 ** (-(as_of - dd) / p.half_life_days)
        mass[t] += w
        if KINDS[k] in GIVING_KINDS:
            if DIRECTIONS[d] is not Direction.RECEIVED:
                gave[t] += w
            if DIRECTIONS[d] is not Direction.GAVE:
                received[t] += w
        first_t, last_t = first[t], last[t]
        first[t] = dd if first_t is None else min(first_t, dd)
        last[t] = dd if last_t is None else max(last_t, dd)
        if corrected[t] and dd > correction_day[t]:
            since[t] += 1

    w_rec, w_dep, w_rcp, w_dur, w_tru = p.component_weights
    out: list[float] = []
    for i in range(n):
        start = start_day[i] if 1 <= start_day[i] <= as_of else None
        known = [x for x in (first[i], last[i], start) if x is not None]
        if known:
            anchor, origin = max(known), min(known)
            quiet = as_of - anchor
            recency = 2.0 ** (-quiet / p.half_life_days)
            duration = ((1.0 - math.exp(-(anchor - origin) / p.duration_scale_days))
                        * 2.0 ** (-quiet / p.lasting_half_life_days))
        else:
            recency = duration = 0.0
        depth = 1.0 - math.exp(-mass[i] / p.depth_scale)
        reciprocity = 1.0 - math.exp(-min(gave[i], received[i]) / p.reciprocity_scale)
        trust = stated_trust[i] / 5.0
        computed = (w_rec * recency + w_dep * depth + w_rcp * reciprocity
                    + w_dur * duration + w_tru * trust)
        computed = min(1.0, max(0.0, computed))
        if corrected[i]:
            held = 2.0 ** (-since[i] / p.correction_half_life)
            target = min(1.0, max(0.0, correction[i]))
            computed = computed + held * (target - computed)
        out.append(min(1.0, max(0.0, computed)))
    return out
