from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tie_histories import build_history

from kithbook.domain.digest import STEP_MINUTES, Budget, digest_text, weekly_digest
from kithbook.domain.errors import InvalidInput
from kithbook.domain.evidence import TieEvidence
from kithbook.domain.ids import ContactId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.stages import StepKind, assess_stage
from kithbook.domain.tie_summary import TieSummary

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
