from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tie_histories import build_history

from kithbook.domain import keep_in_touch
from kithbook.domain.digest import (
    SCREEN,
    STEP_MINUTES,
    Budget,
    DigestItem,
    _urgency,
    digest_text,
    weekly_digest,
)
from kithbook.domain.errors import InvalidInput
from kithbook.domain.evidence import TieEvidence
from kithbook.domain.ids import ContactId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.keep_in_touch import touch_state
from kithbook.domain.stages import StepKind, assess_stage, next_step
from kithbook.domain.tie_summary import TieFacts, TieReading, TieSummary
from kithbook.domain.ties import Stage

History = Callable[..., TieEvidence]
TODAY = date(2026, 6, 1)
MET, ADVICE, HELP = Kind.MET, Kind.ADVICE, Kind.HELP
GAVE, RECEIVED, MUTUAL = Direction.GAVE, Direction.RECEIVED, Direction.MUTUAL


def summary(name: str, e: TieEvidence, *, cadence: int | None = None,
            tags: tuple[str, ...] = (), contact: str | None = None) -> TieSummary:
    return TieSummary(ContactId(contact or name.lower()), name, e, assess_stage(e).stage,
                      tags=tags, cadence_days=cadence)


def test_digest_picks_pressing_ties_with_reason_and_step(history: History) -> None:
    ties = [
        summary("Fresh", history([(4, MET, MUTUAL)], strength=0.15)),
        summary("Mentor", history([(200, MET, MUTUAL), (150, ADVICE, RECEIVED),
                                   (100, HELP, RECEIVED), (30, MET, MUTUAL)], strength=0.6)),
        summary("Investor", history([(80, MET, MUTUAL), (70, MET, MUTUAL)], strength=0.4),
                tags=("investors",)),
        summary("Fine", history([(3, MET, MUTUAL), (2, MET, MUTUAL)], strength=0.5),
                cadence=30),
    ]
    digest = weekly_digest(ties, {"investors": 30}, TODAY)
    by_name = {item.name: item for item in digest.items}
    assert set(by_name) == {"Fresh", "Mentor", "Investor"}
    assert by_name["Mentor"].step.kind is StepKind.OFFER_HELP
    assert "gave 2 more times" in by_name["Mentor"].reason
    assert by_name["Fresh"].step.kind is StepKind.SHARE_RESOURCE
    assert "fresh" in by_name["Fresh"].reason
    assert "overdue" in by_name["Investor"].reason
    assert digest.left_out == 0
    assert digest.minutes == sum(STEP_MINUTES[i.step.kind] for i in digest.items)


def test_digest_stops_at_the_item_cap_keeping_the_most_deserving(history: History) -> None:
    ties = [summary(f"P{i}", history([(100, MET, MUTUAL)], strength=i / 10), cadence=30)
            for i in range(10)]
    digest = weekly_digest(ties, {}, TODAY, Budget(minutes=600, items=3))
    assert [i.name for i in digest.items] == ["P9", "P8", "P7"]
    assert digest.left_out == 7


def test_a_smaller_step_fills_what_a_larger_one_cannot(history: History) -> None:
    offer_help = summary("Owed", history([(10, HELP, RECEIVED), (9, ADVICE, RECEIVED),
                                         (8, MET, MUTUAL)], strength=0.9))
    reconnect = summary("Quiet", history([(200, MET, MUTUAL), (150, MET, MUTUAL)],
                                         strength=0.2), cadence=30)
    digest = weekly_digest([offer_help, reconnect], {}, TODAY, Budget(minutes=20))
    assert [i.name for i in digest.items] == ["Quiet"]


def test_budget_must_be_usable() -> None:
    with pytest.raises(InvalidInput):
        Budget(minutes=0)
    with pytest.raises(InvalidInput):
        Budget(items=0)


event = st.tuples(st.integers(0, 900), st.sampled_from(list(Kind)),
                  st.sampled_from(list(Direction)))


@st.composite
def rows(draw: st.DrawFn) -> TieSummary:
    e = build_history(draw(st.lists(event, max_size=8)), strength=draw(st.floats(0, 1)),
                      trust=draw(st.one_of(st.none(), st.integers(1, 5))),
                      known_days=draw(st.one_of(st.none(), st.integers(0, 2000))))
    # Few contact ids, so the same person often shows up on several rows.
    return summary(draw(st.sampled_from("abcdef")), e,
                   cadence=draw(st.one_of(st.none(), st.integers(7, 120))),
                   tags=tuple(draw(st.lists(st.sampled_from(["investors", "alumni"]),
                                            max_size=2))),
                   contact=draw(st.sampled_from(["c1", "c2", "c3", "c4"])))


@given(st.lists(rows(), max_size=20), st.integers(1, 240), st.integers(1, 12))
def test_digest_respects_the_budget_and_lists_each_person_once(
        ties: list[TieSummary], minutes: int, items: int) -> None:
    digest = weekly_digest(ties, {"investors": 30, "alumni": 90}, TODAY,
                           Budget(minutes=minutes, items=items))
    assert digest.minutes <= minutes
    assert len(digest.items) <= items
    contacts = [i.contact for i in digest.items]
    assert len(contacts) == len(set(contacts))
    assert all(i.reason and i.step.text for i in digest.items)


def test_digest_reads_as_plain_text(history: History) -> None:
    ties = [summary("Ana", history([(130, MET, MUTUAL), (100, MET, MUTUAL)], strength=0.5),
                    cadence=30),
            summary("Bo", history([(90, MET, MUTUAL)], strength=0.4), cadence=30)]
    text = digest_text(weekly_digest(ties, {}, TODAY, Budget(minutes=60, items=1)))
    assert text.splitlines() == [
        "Week of 2026-06-01: 1 of 2 people who deserve your time, 10 of 60 minutes.",
        "1. Ana (10 min) — 70 days overdue: last in touch 2026-02-21, every 30 days "
        "(their own cadence).",
        "   Next: Reconnect: send Ana something on what they are working on with a short "
        "note.",
        "1 more did not fit this week's budget.",
    ]
    assert "nothing pressing" in digest_text(weekly_digest([], {}, TODAY))


def _every_step_first(ties: list[TieSummary], cadences: dict[str, int],
                      budget: Budget) -> tuple[DigestItem, ...]:
    """The digest as first written: every pressing tie's step, then the best that fit."""
    candidates = []
    for tie in ties:
        found = _urgency(tie, cadences, TODAY)
        if found is not None:
            urgency, reason, cadence = found
            step = next_step(tie.evidence, tie.person, stage=tie.stage, cadence_days=cadence)
            candidates.append(DigestItem(tie.contact, tie.name, reason, step,
                                         STEP_MINUTES[step.kind],
                                         urgency * (0.3 + 0.7 * tie.strength)))
    candidates.sort(key=lambda c: (-c.score, c.minutes, c.name, c.contact))
    chosen: list[DigestItem] = []
    left = budget.minutes
    for item in candidates:
        if len(chosen) == budget.items:
            break
        if item.contact in {c.contact for c in chosen} or item.minutes > left:
            continue
        chosen.append(item)
        left -= item.minutes
    return tuple(chosen)


def _facts(tie: TieSummary) -> TieFacts:
    return TieFacts(tie.contact, tie.name, tie.evidence.as_of, tie.strength, tie.stage,
                    tie.given, tie.received, tie.known_since, tie.last_contact,
                    tie.organization, tie.role, tie.tags, tie.cadence_days)


@st.composite
def plain_rows(draw: st.DrawFn) -> TieSummary:
    # Few strengths, so that many pressing ties share a score and go by their minutes.
    e = build_history(draw(st.lists(event, max_size=8)),
                      strength=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
                      known_days=draw(st.one_of(st.none(), st.integers(0, 2000))))
    return summary(draw(st.sampled_from("abcdefgh")), e,
                   cadence=draw(st.one_of(st.none(), st.integers(7, 120))),
                   tags=tuple(draw(st.lists(st.sampled_from(["investors", "alumni"]),
                                            max_size=2))),
                   contact=draw(st.sampled_from([f"c{i}" for i in range(12)])))


@given(st.lists(plain_rows(), max_size=30), st.integers(1, 240), st.integers(1, 12))
def test_steps_only_for_the_ties_the_budget_reaches_choose_the_same(
        ties: list[TieSummary], minutes: int, items: int) -> None:
    """Asking the whole evidence only of the runs of equal score the budget reaches, from
    stored facts, chooses what computing every step first chose."""
    cadences = {"investors": 30, "alumni": 90}
    budget = Budget(minutes=minutes, items=items)
    whole = {t.contact: t for t in ties}  # the facts stand for the last row of each
    asked: list[ContactId] = []

    def explained(some: list[TieReading]) -> list[TieSummary]:
        asked.extend(t.contact for t in some)
        return [whole[t.contact] for t in some]

    rows = list(whole.values())
    digest = weekly_digest([_facts(t) for t in rows], cadences, TODAY, budget,
                           explained=explained)
    assert digest.items == _every_step_first(rows, cadences, budget)
    assert digest == weekly_digest(rows, cadences, TODAY, budget)
    assert len(asked) == len(set(asked))


def test_the_evidence_is_asked_only_of_ties_the_budget_reaches(history: History) -> None:
    ties = [summary(f"P{i:02}", history([(100, MET, MUTUAL)], strength=i / 100), cadence=30)
            for i in range(60)]
    asked: list[TieReading] = []

    def explained(some: list[TieReading]) -> list[TieSummary]:
        asked.extend(some)
        return [t for t in ties if t.contact in {s.contact for s in some}]

    digest = weekly_digest([_facts(t) for t in ties], {}, TODAY, Budget(items=3),
                           explained=explained)
    assert [i.name for i in digest.items] == ["P59", "P58", "P57"]
    assert digest.candidates == 60
    assert [t.name for t in asked] == ["P59", "P58", "P57"]
    with pytest.raises(TypeError):
        weekly_digest([_facts(t) for t in ties], {}, TODAY)


near = st.tuples(st.integers(0, 200), st.sampled_from(list(Kind)),
                 st.sampled_from(list(Direction)))


@st.composite
def edge_rows(draw: st.DrawFn) -> TieSummary:
    """Ties near every edge the rules draw: a few days either side of fresh and quiet."""
    e = build_history(draw(st.lists(near, max_size=5)), strength=draw(st.floats(0, 1)),
                      known_days=draw(st.one_of(st.none(), st.integers(0, 120))))
    return summary("P", e, cadence=draw(st.one_of(st.none(), st.integers(7, 60))),
                   tags=tuple(draw(st.lists(st.sampled_from(["investors", "alumni", "x"]),
                                            max_size=2))))


@given(st.lists(edge_rows(), max_size=20), st.integers(0, 30))
def test_every_tie_with_a_reason_passes_the_screens(ties: list[TieSummary],
                                                    days_later: int) -> None:
    """Storage reads only what the screens admit: a tie they kept out would be missing
    from the digest and the losing-touch list without a word."""
    cadences = {"investors": 30, "alumni": 90}
    today = TODAY + timedelta(days=days_later)
    for tie in ties:
        for reading in (tie, _facts(tie)):
            if _urgency(reading, cadences, today) is not None:
                assert SCREEN.admits(reading, cadences)
            if touch_state(reading, cadences, today) is not None:
                assert keep_in_touch.SCREEN.admits(reading, cadences)


def test_ties_at_every_edge_pass_the_screens() -> None:
    """Known, and quiet, for every number of days around the rules' edges, in each stage
    a history can reach, with no cadence to let them through anyway."""
    shapes: list[list[tuple[int, Kind, Direction]]] = [
        [], [(0, MET, MUTUAL)], [(0, ADVICE, RECEIVED), (0, HELP, RECEIVED)],
        [(0, MET, MUTUAL)] * 4 + [(0, ADVICE, GAVE), (0, HELP, RECEIVED)],
        [(0, MET, MUTUAL)] * 8 + [(0, ADVICE, GAVE), (0, HELP, RECEIVED)] * 3]
    stages = set()
    for shape in shapes:
        for quiet in range(0, 130):
            for known in range(quiet, quiet + 400, 7):
                events = [(quiet + n, k, d) for n, (_, k, d) in enumerate(shape)]
                tie = summary("P", build_history(events, strength=0.5, trust=4,
                                                 known_days=known))
                stages.add(tie.stage)
                if _urgency(tie, {}, TODAY) is not None:
                    assert SCREEN.admits(tie, ()), (shape, quiet, known, tie.stage)
    assert stages == set(Stage)
