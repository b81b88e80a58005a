from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.interactions import GIVING_KINDS, Direction, Kind
from kithbook.graph.strength import (
    DIRECTIONS,
    KINDS,
    StrengthParams,
    TieStrength,
    day_number,
    day_of,
    tie_strength,
)
from kithbook.lab.strength_reference import strength_by_loop

AS_OF = day_number(date(2026, 6, 1))
MET, ADVICE, HELP, NOTE = (KINDS.index(k) for k in (Kind.MET, Kind.ADVICE, Kind.HELP, Kind.NOTE))
GAVE, RECEIVED, MUTUAL = (DIRECTIONS.index(d) for d in Direction)


@dataclass
class Book:
    """Interaction rows and per-tie facts, as storage will hand them over."""

    rows: list[tuple[int, int, int, int]] = field(default_factory=list)  # tie, kind, dir, day
    trust: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    correction: list[float] = field(default_factory=list)
    correction_day: list[int] = field(default_factory=list)

    def arrays(self) -> dict[str, np.ndarray]:
        cols = list(zip(*self.rows, strict=True)) if self.rows else [(), (), (), ()]
        return {
            "tie": np.array(cols[0], dtype=np.int32), "kind": np.array(cols[1], dtype=np.int8),
            "direction": np.array(cols[2], dtype=np.int8),
            "day": np.array(cols[3], dtype=np.int32),
            "stated_trust": np.array(self.trust, dtype=np.int8),
            "start_day": np.array(self.start, dtype=np.int32),
            "correction": np.array(self.correction, dtype=np.float64),
            "correction_day": np.array(self.correction_day, dtype=np.int32),
        }

    def strength(self, as_of: int = AS_OF, params: StrengthParams | None = None) -> TieStrength:
        return tie_strength(**self.arrays(), as_of=as_of, params=params)

    def with_rows(self, *rows: tuple[int, int, int, int]) -> Book:
        return replace(self, rows=[*self.rows, *rows])


def one_tie(rows: list[tuple[int, int, int]], *, trust: int = 0, start: int = -1) -> Book:
    return Book(rows=[(0, k, d, day) for k, d, day in rows], trust=[trust], start=[start],
                correction=[math.nan], correction_day=[-1])


row = st.tuples(st.integers(0, len(KINDS) - 1), st.integers(0, len(DIRECTIONS) - 1),
                st.integers(AS_OF - 3000, AS_OF))


FIRST_DAY = day_number(date(1, 1, 1))


def _days(low: int, high: int, *, whole_calendar: bool) -> st.SearchStrategy[int]:
    """Days from `low` to `high`, or, over the whole calendar, also any day since year 1
    (relationships older than 1970 included)."""
    near = st.integers(low, high)
    return st.one_of(near, st.integers(FIRST_DAY, high)) if whole_calendar else near


@st.composite
def books(draw: st.DrawFn, *, corrections: bool = True, whole_calendar: bool = False) -> Book:
    n = draw(st.integers(1, 6))
    rows = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(KINDS) - 1),
                                   st.integers(0, len(DIRECTIONS) - 1),
                                   _days(AS_OF - 3000, AS_OF + 30,
                                         whole_calendar=whole_calendar)), max_size=60))
    trust = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    start = draw(st.lists(st.one_of(st.just(-1), _days(AS_OF - 4000, AS_OF + 10,
                                                       whole_calendar=whole_calendar)),
                          min_size=n, max_size=n))
    if corrections:
        corr = draw(st.lists(st.one_of(st.just(math.nan), st.floats(0, 1)), min_size=n,
                             max_size=n))
        corr_day = draw(st.lists(_days(AS_OF - 3000, AS_OF, whole_calendar=whole_calendar),
                                 min_size=n, max_size=n))
    else:
        corr, corr_day = [math.nan] * n, [-1] * n
    return Book(rows=rows, trust=trust, start=start, correction=corr, correction_day=corr_day)


@given(books(whole_calendar=True))
def test_strength_stays_within_zero_and_one(book: Book) -> None:
    s = book.strength().strength
    assert np.all((s >= 0.0) & (s <= 1.0))


@given(books(whole_calendar=True), st.randoms(use_true_random=False))
def test_strength_is_the_same_however_interactions_are_stored(book: Book,
                                                             rnd: random.Random) -> None:
    shuffled = list(book.rows)
    rnd.shuffle(shuffled)
    assert np.array_equal(book.strength().strength,
                          replace(book, rows=shuffled).strength().strength)


@given(books(corrections=False), st.data())
def test_strength_rises_with_a_new_interaction(book: Book, data: st.DataObject) -> None:
    tie = data.draw(st.integers(0, len(book.trust) - 1))
    kind, direction, day = data.draw(row)
    before = book.strength().strength
    after = book.with_rows((tie, kind, direction, day)).strength().strength
    assert after[tie] > before[tie]
    others = np.arange(len(before)) != tie
    assert np.array_equal(after[others], before[others])


@given(books(corrections=False), st.integers(1, 2000))
def test_strength_falls_with_time_without_contact(book: Book, wait: int) -> None:
    # Only ties with something dated (an interaction or a start) have anything to fade.
    before = book.strength(AS_OF + 30)
    after = book.strength(AS_OF + 30 + wait)
    dated = (before.last_day >= 0) | (np.array(book.start) >= 0)
    assert np.all(after.strength[dated] < before.strength[dated])
    assert np.array_equal(after.strength[~dated], before.strength[~dated])


@given(st.lists(st.tuples(st.integers(0, len(KINDS) - 1), st.integers(AS_OF - 2000, AS_OF)),
                min_size=2, max_size=30))
def test_reciprocal_history_is_stronger_than_one_way(history: list[tuple[int, int]]) -> None:
    kinds = [k for k, _ in history]
    if not any(KINDS[k] in GIVING_KINDS for k in kinds[1:]) or \
            KINDS[kinds[0]] not in GIVING_KINDS:
        kinds[0], kinds[-1] = ADVICE, HELP  # both sides need something given
    days = [d for _, d in history]
    one_way = one_tie([(k, GAVE, d) for k, d in zip(kinds, days, strict=True)])
    both_ways = one_tie([(k, GAVE if i else RECEIVED, d)
                         for i, (k, d) in enumerate(zip(kinds, days, strict=True))])
    assert both_ways.strength().strength[0] > one_way.strength().strength[0]


@settings(max_examples=200)
@given(books(whole_calendar=True))
def test_arrays_agree_with_the_plain_loop(book: Book) -> None:
    arrays = book.arrays()
    expected = strength_by_loop(**{k: v.tolist() for k, v in arrays.items()}, as_of=AS_OF)
    assert np.allclose(book.strength().strength, expected, rtol=0, atol=1e-12)


def test_tie_without_interactions_rests_on_trust_and_start() -> None:
    nothing = one_tie([]).strength()
    trusted = one_tie([], trust=4).strength()
    met_last_week = one_tie([], start=AS_OF - 7).strength()
    met_years_ago = one_tie([], start=AS_OF - 1500).strength()
    assert nothing.strength[0] == 0.0
    assert trusted.strength[0] == pytest.approx(0.2 * 4 / 5)
    assert 0 < met_years_ago.strength[0] < met_last_week.strength[0] < 0.2


def test_advice_weighs_more_than_a_note() -> None:
    advice = one_tie([(ADVICE, GAVE, AS_OF - 10)]).strength().strength[0]
    note = one_tie([(NOTE, GAVE, AS_OF - 10)]).strength().strength[0]
    assert advice > note


def test_recent_contact_counts_more_than_old() -> None:
    recent = one_tie([(MET, MUTUAL, AS_OF - 5)]).strength().strength[0]
    old = one_tie([(MET, MUTUAL, AS_OF - 400)]).strength().strength[0]
    assert recent > old


def test_half_life_is_configurable() -> None:
    book = one_tie([(MET, MUTUAL, AS_OF - 90)])
    short = book.strength(params=StrengthParams(half_life_days=30)).recency[0]
    default = book.strength().recency[0]
    assert default == pytest.approx(0.5)
    assert short == pytest.approx(0.125)


def test_interactions_after_as_of_are_left_out() -> None:
    book = one_tie([(MET, MUTUAL, AS_OF - 5), (HELP, GAVE, AS_OF + 5)])
    result = book.strength()
    assert result.counts[0].sum() == 1
    assert result.strength[0] == one_tie([(MET, MUTUAL, AS_OF - 5)]).strength().strength[0]


def test_correction_holds_until_new_evidence_then_gives_way() -> None:
    history = [(MET, MUTUAL, AS_OF - 100), (ADVICE, RECEIVED, AS_OF - 60)]
    corrected = replace(one_tie(history), correction=[0.9], correction_day=[AS_OF - 50])
    plain = one_tie(history).strength()
    held = corrected.strength()
    assert held.strength[0] == pytest.approx(0.9)
    assert held.computed[0] == pytest.approx(plain.strength[0])
    later = [(MET, MUTUAL, AS_OF - 40 + i) for i in range(3)]
    three_more = corrected.with_rows(*((0, k, d, day) for k, d, day in later)).strength()
    assert three_more.since_correction[0] == 3
    assert three_more.correction_weight[0] == pytest.approx(0.5)
    assert three_more.strength[0] == pytest.approx(
        (three_more.computed[0] + 0.9) / 2)
    many = corrected.with_rows(*((0, MET, MUTUAL, AS_OF - 30 + i) for i in range(30)))
    result = many.strength()
    assert abs(result.strength[0] - result.computed[0]) < 0.001


def test_correction_pull_weakens_with_each_new_interaction() -> None:
    base = replace(one_tie([(MET, MUTUAL, AS_OF - 100)]), correction=[1.0],
                   correction_day=[AS_OF - 90])
    pulls = []
    for n in range(6):
        book = base.with_rows(*((0, NOTE, GAVE, AS_OF - 80 + i) for i in range(n)))
        r = book.strength()
        pulls.append(r.strength[0] - r.computed[0])
    assert all(a > b for a, b in zip(pulls, pulls[1:], strict=False))


def test_evidence_carries_counts_and_dates() -> None:
    book = one_tie([(MET, MUTUAL, AS_OF - 400), (MET, MUTUAL, AS_OF - 30),
                    (ADVICE, GAVE, AS_OF - 20), (HELP, RECEIVED, AS_OF - 12)], trust=3)
    e = book.strength().evidence(0)
    assert e.count(Kind.MET) == 2
    assert e.count(Kind.ADVICE, Direction.GAVE) == 1
    assert e.given == 1 and e.received == 1
    assert e.days_quiet == 12
    assert e.days_known == 400
    assert e.stated_trust == 3


@pytest.mark.parametrize("bad", [
    {"tie": [1]},
    {"kind": [len(KINDS)]},
    {"direction": [-1]},
])
def test_out_of_range_codes_are_refused(bad: dict[str, list[int]]) -> None:
    arrays = {**one_tie([(MET, MUTUAL, AS_OF)]).arrays(),
              **{k: np.array(v) for k, v in bad.items()}}
    with pytest.raises(ValueError):
        tie_strength(**arrays, as_of=AS_OF)


def test_parameters_must_make_sense() -> None:
    with pytest.raises(ValueError):
        StrengthParams(half_life_days=0)
    with pytest.raises(ValueError):
        StrengthParams(trust_weight=0.5)


def test_correction_made_after_as_of_is_not_yet_in_effect() -> None:
    book = replace(one_tie([(MET, MUTUAL, AS_OF - 10)]), correction=[0.9],
                   correction_day=[AS_OF + 1])
    result = book.strength()
    assert result.strength[0] == result.computed[0]
    assert book.strength(AS_OF + 1).strength[0] == pytest.approx(0.9)


def test_day_numbers_are_ordinals_from_the_first_day_of_the_calendar() -> None:
    assert day_number(date(1, 1, 1)) == 1
    assert day_number(date(1969, 12, 31)) + 1 == day_number(date(1970, 1, 1))
    for day in (date(1, 1, 1), date(1965, 6, 1), date(1969, 12, 31), date(9999, 12, 31)):
        assert day_of(day_number(day)) == day


@pytest.mark.parametrize("old", [date(1965, 6, 1), date(1969, 12, 31), date(1900, 2, 28),
                                 date(1, 1, 1)])
def test_a_relationship_older_than_1970_has_a_strength_and_its_evidence(old: date) -> None:
    book = replace(one_tie([(MET, MUTUAL, day_number(old)), (HELP, GAVE, AS_OF - 20)],
                           start=day_number(old)), correction=[0.5],
                   correction_day=[day_number(old)])
    result = book.strength()
    assert 0.0 < result.strength[0] <= 1.0
    evidence = result.evidence(0)
    assert (evidence.first_contact, evidence.known_since) == (old, old)
    assert evidence.last_contact == day_of(AS_OF - 20)
    assert evidence.corrected_on == old and evidence.since_correction == 1
    arrays = {k: v.tolist() for k, v in book.arrays().items()}
    assert result.strength[0] == pytest.approx(strength_by_loop(**arrays, as_of=AS_OF)[0],
                                               abs=1e-12)


def test_only_old_interactions_weigh_as_the_loop_says() -> None:
    # Rows far apart take the decay from exp2 per row, close rows from a table: both
    # must give the same numbers.
    far = one_tie([(MET, MUTUAL, 1), (ADVICE, GAVE, AS_OF - 1)])
    near = one_tie([(ADVICE, GAVE, AS_OF - 1)])
    assert far.strength().gave[0] == near.strength().gave[0]


def test_day_numbers_outside_the_calendar_are_refused() -> None:
    for day in (0, -5):
        with pytest.raises(ValueError):
            one_tie([(MET, MUTUAL, day)]).strength()
    for as_of in (0, -1, day_number(date(9999, 12, 31)) + 1):
        with pytest.raises(ValueError):
            one_tie([(MET, MUTUAL, 5)]).strength(as_of=as_of)
