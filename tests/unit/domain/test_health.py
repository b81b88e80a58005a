from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from kithbook.domain.evidence import TieEvidence
from kithbook.domain.health import diversity, health_report, note_flags, summarize_logged
from kithbook.domain.ids import ContactId, InteractionId, MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.stages import assess_stage
from kithbook.domain.tie_summary import TieSummary
from kithbook.domain.ties import Stage

History = Callable[..., TieEvidence]
TODAY = date(2026, 6, 1)
ME = MemberId("me")


def logged(days_ago: int, kind: Kind, direction: Direction, who: str,
           note: str | None = None) -> Interaction:
    return Interaction(InteractionId(f"i{days_ago}{kind}{who}"), ME, kind, direction,
                       TODAY - timedelta(days=days_ago), [ContactId(who)], note)


def summary(history: History, who: str, events: list[tuple[int, Kind, Direction]],
            org: str | None, role: str | None, strength: float,
            known_days: int | None = None) -> TieSummary:
    e = history(events, strength=strength, known_days=known_days)
    return TieSummary(ContactId(who), who.title(), e, assess_stage(e).stage,
                      organization=org, role=role)


Book = tuple[list[TieSummary], list[Interaction]]


@pytest.fixture
def book(history: History) -> Book:
    events = {
        "ana": [(500, Kind.MET, Direction.MUTUAL), (300, Kind.ADVICE, Direction.GAVE),
                (200, Kind.HELP, Direction.RECEIVED), (40, Kind.ADVICE, Direction.RECEIVED),
                (20, Kind.TALKED, Direction.MUTUAL)],
        "bo": [(400, Kind.MET, Direction.MUTUAL), (390, Kind.NOTE, Direction.GAVE)],
        "cy": [(30, Kind.MET, Direction.MUTUAL), (25, Kind.RESOURCE_SHARED, Direction.GAVE)],
    }
    notes = {("bo", 390): "pitched our pricing, he may buy next quarter"}
    ties = [summary(history, "ana", events["ana"], "Acme", "CTO", 0.7),
            summary(history, "bo", events["bo"], "acme", "Sales", 0.1),
            summary(history, "cy", events["cy"], "Globex", None, 0.3),
            summary(history, "dee", [], None, "CTO", 0.0)]
    interactions = [logged(d, k, dr, who, notes.get((who, d)))
                    for who, evs in events.items() for d, k, dr in evs]
    return ties, interactions


def test_report_counts_balance_stages_and_dormant(book: Book) -> None:
    ties, interactions = book
    report = health_report(ties, interactions, TODAY)
    assert report.ties == 4 and report.interactions == 9
    assert report.balance.total_gave == 2 and report.balance.total_received == 2
    assert report.balance.gave[Kind.ADVICE] == 1
    assert report.balance.received[Kind.HELP] == 1
    assert report.stages[Stage.RELATIONSHIP] == 1
    assert report.stages[Stage.CONTACT] == 1  # Cy: met, then shared a resource
    assert report.stages[Stage.NEW] == 2  # Bo met once and left a note; Dee nothing
    assert sum(report.strength_bins) == 4 and report.strength_bins[7] == 1
    # Bo went quiet; Dee, with nothing logged and no start, has not begun (a contact added
    # a minute ago is not "dormant").
    assert [t.name for t in report.dormant] == ["Bo"]


def test_growth_is_shown_month_by_month(book: Book) -> None:
    ties, interactions = book
    report = health_report(ties, interactions, TODAY)
    assert list(report.interactions_by_month)[-1] == "2026-06"
    assert len(report.interactions_by_month) == 12
    assert report.interactions_by_month["2026-05"] == 3  # 20, 25 and 30 days ago
    assert report.new_ties_by_month["2026-05"] == 1  # Cy


def test_reflection_names_what_reads_like_selling(book: Book) -> None:
    ties, interactions = book
    reflection = health_report(ties, interactions, TODAY).reflection
    selling = [o for o in reflection if o.theme == "not transactions"]
    assert len(selling) == 1 and selling[0].healthy is False
    assert "1 note read like selling" in selling[0].text
    assert "pitched our pricing" in selling[0].text
    giving = next(o for o in reflection if o.theme == "giving")
    assert giving.text.startswith("You gave twice and received twice (50% given).")
    breadth = next(o for o in reflection if o.theme == "breadth")
    assert "2 organizations" in breadth.text and "Acme, holds 67%" in breadth.text


def test_reflection_calls_out_taking_more_than_giving(history: History) -> None:
    ties = [summary(history, "ana", [], "Acme", None, 0.5)]
    taken = [logged(d, Kind.HELP, Direction.RECEIVED, "ana") for d in (1, 2, 3)]
    giving = next(o for o in health_report(ties, taken, TODAY).reflection
                  if o.theme == "giving")
    assert giving.healthy is False and "take more than you give" in giving.text


def test_empty_book_still_reports() -> None:
    report = health_report([], [], TODAY)
    assert report.ties == 0 and report.balance.share_given is None
    assert report.reflection[0].healthy is None


def test_diversity_is_zero_for_one_place_and_grows_with_spread() -> None:
    one = diversity(["Acme", "acme", "ACME", None])
    assert (one.distinct, one.unknown, one.shannon, one.simpson) == (1, 1, 0.0, 0.0)
    even = diversity(["A", "B", "C", "D"])
    assert even.shannon == pytest.approx(math.log(4))
    assert even.evenness == pytest.approx(1.0)
    assert even.simpson == pytest.approx(0.75)
    skewed = diversity(["A", "A", "A", "B"])
    assert 0 < skewed.simpson < even.simpson
    assert skewed.largest == ("A", 0.75)


def test_notes_are_flagged_by_what_they_read_like() -> None:
    assert note_flags("Pitched our pricing") == 1
    assert note_flags("asked me to refer me for the opening") == 2
    assert note_flags("Wants a LOAN") == 4
    assert note_flags("demo day: he asked for a job and money") == 6
    assert note_flags("demoed our product; he asked for a job and money") == 7
    # The README's own example note: a demo shown to you is not selling.
    assert note_flags("demo of the difference engine") == 0
    assert note_flags("Talked about sourdough") == note_flags("") == note_flags(None) == 0
    assert note_flags("dealt with it; undemonstrative") == 0  # whole words only


def test_the_report_names_the_newest_note_of_each_kind(history: History) -> None:
    ties = [summary(history, "ana", [], "Acme", None, 0.5)]
    log = [logged(40, Kind.MET, Direction.MUTUAL, "ana", "pitched a demo"),
           logged(5, Kind.TALKED, Direction.MUTUAL, "ana", "sent a price quote"),
           logged(-3, Kind.MET, Direction.MUTUAL, "ana", "will sell them the plan")]
    summed = summarize_logged(log, TODAY)
    assert summed.flagged["selling"] == ["sent a price quote", "pitched a demo"]
    assert sum(summed.counts.values()) == 2  # the third has not happened yet
    selling = next(o for o in health_report(ties, summed, TODAY).reflection
                   if o.theme == "not transactions")
    assert "2 notes read like selling" in selling.text
    assert "sent a price quote" in selling.text


def test_the_report_names_the_strongest_dormant_ties_and_counts_them_all(
        history: History) -> None:
    ties = [summary(history, f"p{i:03}", [(400, Kind.MET, Direction.MUTUAL)], None, None,
                    i / 200) for i in range(120)]
    report = health_report(ties, [], TODAY)
    assert report.dormant_count == 120
    assert [t.name for t in report.dormant] == [f"P{i:03}" for i in range(119, 69, -1)]
