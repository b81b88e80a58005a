"""Strength of every tie at once, from the interactions that made it.

A tie's strength in [0, 1] is a weighted sum of five components, each in [0, 1]:

- recency: how recently we were last in touch, halving every `half_life_days`;
- depth: the decayed, kind-weighted mass of all interactions (frequency and depth
  together: advice and help weigh more than a note), saturating as mass grows;
- reciprocity: the smaller of what was given and what was received (decayed), so that
  only giving in *both* directions counts;
- duration: how long the relationship has lasted, from its start to the last contact,
  fading slowly (`lasting_half_life_days`) once contact stops;
- trust: what the member stated (1..5), unstated counts as nothing.

A member's correction replaces the computed value, then gives way to it as new
interactions arrive: after `correction_half_life` interactions it counts half.

`lab/strength_reference.py` states the same model one interaction at a time; the
two agree to 1e-9 (tests and `bench/strength_bench.py` check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from kithbook.domain.evidence import TieEvidence
from kithbook.domain.interactions import GIVING_KINDS, Direction, Kind

__all__ = [
    "DIRECTIONS",
    "KINDS",
    "StrengthParams",
    "TieStrength",
    "day_number",
    "day_of",
    "tie_strength",
]

# The codes the arrays carry: position in these tuples.
KINDS: tuple[Kind, ...] = tuple(Kind)
DIRECTIONS: tuple[Direction, ...] = tuple(Direction)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def day_number(day: date) -> int:
    """The day code the arrays carry: the proleptic Gregorian ordinal, 0001-01-01 being
    day 1. Every date a member can type has one, and all are positive, which leaves
    -1 free to mean "no day"."""
    return day.toordinal()


def day_of(number: int) -> date:
    return date.fromordinal(number)


_DEFAULT_KIND_WEIGHTS: dict[Kind, float] = {
    Kind.MET: 1.0,
    Kind.TALKED: 0.8,
    Kind.KNOWLEDGE_SHARED: 1.5,
    Kind.RESOURCE_SHARED: 1.5,
    Kind.CONTACT_SHARED: 2.0,
    Kind.ADVICE: 2.5,
    Kind.HELP: 3.0,
    Kind.NOTE: 0.25,
    # Lighter than a talk: an exchange of mail is easy and often brief.
    Kind.EMAILED: 0.5,
}


@dataclass(frozen=True)
class StrengthParams:
    """The knobs of the model; defaults are what a member gets unless they configure."""

    half_life_days: float = 90.0
    lasting_half_life_days: float = 365.0
    depth_scale: float = 6.0  # decayed mass at which depth reaches 1 - 1/e
    reciprocity_scale: float = 3.0  # likewise for the smaller side of giving
    duration_scale_days: float = 365.0
    correction_half_life: float = 3.0  # interactions after which a correction counts half
    kind_weights: tuple[float, ...] = tuple(_DEFAULT_KIND_WEIGHTS[k] for k in KINDS)
    recency_weight: float = 0.15
    depth_weight: float = 0.35
    reciprocity_weight: float = 0.15
    duration_weight: float = 0.15
    trust_weight: float = 0.20

    def __post_init__(self) -> None:
        positive = {
            "half_life_days": self.half_life_days,
            "lasting_half_life_days": self.lasting_half_life_days,
            "depth_scale": self.depth_scale,
            "reciprocity_scale": self.reciprocity_scale,
            "duration_scale_days": self.duration_scale_days,
            "correction_half_life": self.correction_half_life,
        }
        for name, value in positive.items():
            if not value > 0:
                raise ValueError(f"{name} must be positive; got {value}.")
        if len(self.kind_weights) != len(KINDS) or min(self.kind_weights) <= 0:
            raise ValueError(f"kind_weights needs {len(KINDS)} positive weights, one per kind.")
        weights = self.component_weights
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-9:
            raise ValueError(f"component weights must be non-negative and sum to 1; got {weights}.")

    @property
    def component_weights(self) -> tuple[float, float, float, float, float]:
        """Weights of recency, depth, reciprocity, duration and trust, in that order."""
        return (self.recency_weight, self.depth_weight, self.reciprocity_weight,
                self.duration_weight, self.trust_weight)

    def kind_weight(self, kind: Kind) -> float:
        return self.kind_weights[KINDS.index(kind)]


@dataclass(frozen=True, eq=False)
class TieStrength:
    """Strength of every tie, and the evidence each number came from (one row per tie)."""

    as_of: int
    params: StrengthParams
    strength: FloatArray  # what the member sees: computed, pulled toward any correction
    computed: FloatArray  # from the evidence alone
    recency: FloatArray
    depth: FloatArray
    reciprocity: FloatArray
    duration: FloatArray
    trust: FloatArray
    counts: IntArray  # (tie, kind, direction) -> interactions
    first_day: IntArray  # day numbers (see `day_number`); -1 when no interaction
    last_day: IntArray  # -1 when no interaction
    origin_day: IntArray  # start of the relationship: stated start or first interaction
    gave: FloatArray  # decayed, kind-weighted mass given
    received: FloatArray
    stated_trust: IntArray
    correction: FloatArray  # NaN when none (or made after as_of)
    correction_day: IntArray
    since_correction: IntArray  # interactions after the correction day
    correction_weight: FloatArray  # share of the correction still held, 0 when none

    def __len__(self) -> int:
        return int(self.strength.shape[0])

    def evidence(self, tie: int) -> TieEvidence:
        """The plain-data evidence of one tie, for explanations and stage rules."""
        counts = {
            (KINDS[k], DIRECTIONS[d]): int(n)
            for (k, d), n in np.ndenumerate(self.counts[tie]) if n
        }
        has_correction = not np.isnan(self.correction[tie])
        return TieEvidence(
            as_of=day_of(self.as_of),
            strength=float(self.strength[tie]),
            computed=float(self.computed[tie]),
            counts=counts,
            first_contact=_maybe_day(int(self.first_day[tie])),
            last_contact=_maybe_day(int(self.last_day[tie])),
            known_since=_maybe_day(int(self.origin_day[tie])),
            stated_trust=int(self.stated_trust[tie]) or None,
            recency=float(self.recency[tie]),
            depth=float(self.depth[tie]),
            reciprocity=float(self.reciprocity[tie]),
            duration=float(self.duration[tie]),
            trust=float(self.trust[tie]),
            weights=self.params.component_weights,
            correction=float(self.correction[tie]) if has_correction else None,
            corrected_on=day_of(int(self.correction_day[tie])) if has_correction else None,
            since_correction=int(self.since_correction[tie]),
            correction_weight=float(self.correction_weight[tie]),
        )


def _maybe_day(number: int) -> date | None:
    return day_of(number) if number >= 1 else None


def tie_strength(
    *,
    tie: npt.ArrayLike,
    kind: npt.ArrayLike,
    direction: npt.ArrayLike,
    day: npt.ArrayLike,
    stated_trust: npt.ArrayLike,
    start_day: npt.ArrayLike,
    correction: npt.ArrayLike,
    correction_day: npt.ArrayLike,
    as_of: int,
    params: StrengthParams | None = None,
) -> TieStrength:
    """Strength of every tie as of day `as_of`.

    Interaction rows (one per interaction and contact): `tie` index, `kind` and
    `direction` codes (positions in KINDS and DIRECTIONS), `day` number (`day_number`:
    1 is 0001-01-01, so the whole calendar from year 1 on). Per tie:
    `stated_trust` (0 unstated, else 1..5), `start_day` (-1 unknown), `correction`
    (NaN none) and `correction_day`. Interactions after `as_of` have not happened yet
    and are left out; so is a correction made after it.
    """
    p = params or StrengthParams()
    trust_in = np.asarray(stated_trust, dtype=np.int64)
    n = int(trust_in.shape[0])
    start = np.asarray(start_day, dtype=np.int64)
    corr = np.asarray(correction, dtype=np.float64)
    corr_day = np.asarray(correction_day, dtype=np.int64)
    if not start.shape == corr.shape == corr_day.shape == (n,):
        raise ValueError("stated_trust, start_day, correction and correction_day must all "
                         "have one entry per tie.")
    if n and (trust_in.min() < 0 or trust_in.max() > 5):
        raise ValueError("stated trust codes must be 0 (unstated) or 1..5.")
    rows = _sorted_rows(tie, kind, direction, day, n, as_of)
    mass, gave, received, counts = _masses(rows, n, as_of, p)
    first, last = _first_and_last(rows, counts)

    start = np.where((start >= 1) & (start <= as_of), start, -1)
    anchor = np.maximum(last, start)  # the latest day we know we were in touch
    origin = np.where(last < 0, start, np.where(start < 0, first, np.minimum(first, start)))
    known = anchor >= 0
    quiet = (as_of - anchor).astype(np.float64)

    recency = np.where(known, np.exp2(-quiet / p.half_life_days), 0.0)
    depth = -np.expm1(-mass / p.depth_scale)
    reciprocity = -np.expm1(-np.minimum(gave, received) / p.reciprocity_scale)
    span = np.where(known, anchor - origin, 0).astype(np.float64)
    duration = np.where(
        known,
        -np.expm1(-span / p.duration_scale_days) * np.exp2(-quiet / p.lasting_half_life_days),
        0.0)
    trust = trust_in / 5.0
    w_rec, w_dep, w_rcp, w_dur, w_tru = p.component_weights
    computed = np.clip(w_rec * recency + w_dep * depth + w_rcp * reciprocity
                       + w_dur * duration + w_tru * trust, 0.0, 1.0)

    corrected = ~np.isnan(corr) & (corr_day <= as_of)
    corr = np.where(corrected, np.clip(corr, 0.0, 1.0), np.nan)
    corr_day = np.where(corrected, corr_day, -1)
    since = _since_correction(rows, corrected, corr_day)
    held = np.where(corrected, np.exp2(-since / p.correction_half_life), 0.0)
    strength = np.where(corrected, computed + held * (np.nan_to_num(corr) - computed), computed)

    return TieStrength(
        as_of=as_of, params=p, strength=np.clip(strength, 0.0, 1.0), computed=computed,
        recency=recency, depth=depth, reciprocity=reciprocity, duration=duration, trust=trust,
        counts=counts, first_day=first, last_day=last, origin_day=origin, gave=gave,
        received=received, stated_trust=trust_in, correction=corr, correction_day=corr_day,
        since_correction=since.astype(np.int64), correction_weight=held)


def _masses(rows: _Rows, n: int, as_of: int, p: StrengthParams
            ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64],
                       npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Per tie: the kind-weighted decayed mass, the parts of it given and received, and
    the count of rows in each (kind, direction) cell."""
    # Two bincounts over the rows, then arithmetic per tie: the decayed count of each
    # (tie, kind, direction) cell, times per-cell weights, gives the kind-weighted
    # mass, and the part of it given and received (mutual is both).
    cells = len(KINDS) * len(DIRECTIONS)
    slots = n * _CELL_SLOTS
    decayed = np.bincount(rows.cell, _decay(rows.day, as_of, p.half_life_days), minlength=slots)
    decayed = decayed.reshape(n, _CELL_SLOTS)[:, :cells]
    weights = _cell_table(p.kind_weights)
    # Elementwise, not `@`: a matrix product would wake BLAS threads, which spin and
    # steal the cores from everything after them on a shared machine.
    mass = (decayed * weights).sum(axis=1)
    gave = (decayed * (weights * _cell_table(_GIVES))).sum(axis=1)
    received = (decayed * (weights * _cell_table(_RECEIVES))).sum(axis=1)
    per_slot = np.bincount(rows.cell, minlength=slots)
    counts = per_slot.reshape(n, _CELL_SLOTS)[:, :cells].reshape(n, len(KINDS), len(DIRECTIONS))
    return mass, gave, received, counts


def _first_and_last(rows: _Rows, counts: npt.NDArray[np.int64]
                    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each tie's first and last day in touch (-1 for a tie with no rows)."""
    n = counts.shape[0]
    # Rows run tie by tie, so each tie's rows are one segment; its first and last
    # contact are the segment's smallest and largest day.
    per_tie = counts.sum(axis=(1, 2))
    logged = per_tie > 0
    first = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    if rows.day.shape[0]:
        begins = (np.cumsum(per_tie) - per_tie)[logged]
        first[logged] = np.minimum.reduceat(rows.day, begins)
        last[logged] = np.maximum.reduceat(rows.day, begins)
    return first, last


def _since_correction(rows: _Rows, corrected: npt.NDArray[np.bool_],
                      corr_day: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per tie, the rows logged after its correction (0 for a tie not corrected)."""
    cells = len(KINDS) * len(DIRECTIONS)
    since = np.zeros(corrected.shape[0], dtype=np.int64)
    if corrected.any():
        # Each cell's rows are one run sorted by day: count, per cell of a corrected
        # tie, those after the correction day.
        ties = np.flatnonzero(corrected)
        slot = ((ties[:, None] << _CELL_BITS) + np.arange(cells)) << rows.day_bits
        ends = np.searchsorted(rows.key, slot + (1 << rows.day_bits))
        after = np.searchsorted(rows.key, slot + (corr_day[ties, None] + 1))
        since[ties] = (ends - after).sum(axis=1)
    return since


# Which (kind, direction) cells carry something given, or received; mutual is both.
_GIVES = tuple(float(k in GIVING_KINDS and d is not Direction.RECEIVED)
               for k in KINDS for d in DIRECTIONS)
_RECEIVES = tuple(float(k in GIVING_KINDS and d is not Direction.GAVE)
                  for k in KINDS for d in DIRECTIONS)


def _cell_table(values: tuple[float, ...]) -> FloatArray:
    """A per-kind or per-cell tuple spread over all (kind, direction) cells."""
    table = np.asarray(values, dtype=np.float64)
    return np.repeat(table, len(DIRECTIONS)) if table.shape[0] == len(KINDS) else table


def _decay(day: IntArray, as_of: int, half_life: float) -> FloatArray:
    """2^(-age / half_life) per row, looked up in a table by day: cheaper than exp2 per row.

    The table spans only the rows' days (a book a few years old needs a few thousand
    entries), unless that is longer than the rows themselves: a single interaction in
    year 1 must not cost a table of every day since."""
    if not day.shape[0]:
        return np.zeros(0)
    first = int(day.min())
    if as_of - first > 2 * day.shape[0]:
        return np.exp2(-(as_of - day).astype(np.float64) / half_life)
    table = np.exp2(-np.arange(as_of - first, -1, -1, dtype=np.float64) / half_life)
    return table[day - first]  # table[i]: the day first + i


# Rows are packed into one int64 sort key as bit fields: tie | cell code | day. Powers
# of two make unpacking a matter of a shift and a mask.
_CELL_BITS = (len(KINDS) * len(DIRECTIONS) - 1).bit_length()
_CELL_SLOTS = 1 << _CELL_BITS
_MAX_DAY = date.max.toordinal() + 1  # day numbers run from 1 (0001-01-01) to 9999-12-31


@dataclass(frozen=True)
class _Rows:
    day_bits: int
    key: IntArray  # tie | kind * directions + direction | day, ascending
    cell: IntArray  # tie << cell bits | kind * directions + direction
    day: IntArray


def _sorted_rows(tie: npt.ArrayLike, kind: npt.ArrayLike, direction: npt.ArrayLike,
                 day: npt.ArrayLike, n_ties: int, as_of: int) -> _Rows:
    """The rows up to `as_of`, checked, in one canonical order: by tie, kind, direction, day.

    Floating-point sums depend on the order of their terms; summing in one canonical
    order makes every strength bit-for-bit the same however storage returned the rows
    (rows equal in all four columns weigh the same). Sorting one packed int64 key and
    unpacking it is cheaper than an argsort and four gathers, and each cell's rows
    come out as one run sorted by day.
    """
    if not 1 <= as_of < _MAX_DAY:
        raise ValueError(f"as_of must be a day number from 1 to {_MAX_DAY - 1}.")
    t = np.asarray(tie)
    k = np.asarray(kind)
    d = np.asarray(direction)
    dd = np.asarray(day)
    day_bits = as_of.bit_length() or 1
    if not (t.ndim == 1 and t.shape == k.shape == d.shape == dd.shape):
        raise ValueError("tie, kind, direction and day must be 1-d arrays of one length.")
    empty = np.zeros(0, dtype=np.int64)
    if not t.shape[0]:
        return _Rows(day_bits, empty, empty, empty)
    for name, values, bound in (("tie", t, n_ties), ("kind", k, len(KINDS)),
                                ("direction", d, len(DIRECTIONS))):
        if values.min() < 0 or values.max() >= bound:
            raise ValueError(f"{name} codes must lie in [0, {bound}).")
    if dd.min() < 1:
        raise ValueError("day numbers count from 1 (0001-01-01); see `day_number`.")
    if dd.max() > as_of:  # not happened yet
        keep = dd <= as_of
        t, k, d, dd = t[keep], k[keep], d[keep], dd[keep]
        if not t.shape[0]:
            return _Rows(day_bits, empty, empty, empty)
    if n_ties.bit_length() + _CELL_BITS + day_bits > 62:
        raise ValueError("too many ties to pack into one sort key.")
    # In-place passes: each one over the rows reuses the key's memory.
    key = t.astype(np.int64)
    key <<= _CELL_BITS
    key |= k.astype(np.int8) * np.int8(len(DIRECTIONS)) + d.astype(np.int8)
    key <<= day_bits
    key |= dd
    key.sort()
    return _Rows(day_bits, key, key >> day_bits, key & ((1 << day_bits) - 1))
