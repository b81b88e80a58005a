from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kithbook.domain.evidence import (
    TieEvidence,
    ago_words,
    describe_balance,
    describe_correction,
    describe_evidence,
    describe_strength,
    span_words,
)
from kithbook.domain.interactions import Direction, Kind

History = Callable[..., TieEvidence]

MET, ADVICE, HELP, NOTE = Kind.MET, Kind.ADVICE, Kind.HELP, Kind.NOTE
GAVE, RECEIVED, MUTUAL = Direction.GAVE, Direction.RECEIVED, Direction.MUTUAL


def test_evidence_reads_like_a_sentence(history: History) -> None:
    e = history([(426, MET, MUTUAL), (200, MET, MUTUAL), (40, MET, MUTUAL),
                 (60, ADVICE, GAVE), (30, ADVICE, GAVE), (12, HELP, RECEIVED)])
    assert describe_evidence(e) == ("met 3 times, gave advice twice, received help once, "
                                    "last contact 12 days ago, known 14 months")


def test_tie_with_nothing_logged_says_so() -> None:
    e = TieEvidence(as_of=date(2026, 6, 1), strength=0.0, computed=0.0)
    assert describe_evidence(e) == "no interaction logged yet"


def test_stated_trust_and_notes_are_mentioned(history: History) -> None:
    e = history([(3, NOTE, GAVE), (1, NOTE, GAVE)], trust=4)
    text = describe_evidence(e)
    assert "2 notes" in text
    assert "you would vouch for them at 4/5" in text
    assert "last contact yesterday" in text


@pytest.mark.parametrize(("days", "words"), [
    (0, "0 days"), (1, "1 day"), (12, "12 days"), (20, "2 weeks"), (90, "3 months"),
    (426, "14 months"), (800, "2 years"), (3700, "10 years"),
])
def test_spans_are_rounded_as_a_person_would(days: int, words: str) -> None:
    assert span_words(days) == words


def test_ago_words_for_recent_days() -> None:
    assert ago_words(0) == "today"
    assert ago_words(1) == "yesterday"
    assert ago_words(45) == "6 weeks ago"


def test_correction_is_shown_with_what_is_left_of_it() -> None:
    e = TieEvidence(as_of=date(2026, 6, 1), strength=0.6, computed=0.4, correction=0.8,
                    corrected_on=date(2026, 3, 1), since_correction=3,
                    correction_weight=0.5)
    assert describe_correction(e) == (
        "you set it to 0.80 on 2026-03-01; 3 interactions since, so it now counts 50% "
        "against 0.40 from the evidence")
    lines = describe_strength(e)
    assert lines[0].startswith("strength 0.60: ")
    assert lines[-1] == describe_correction(e)


def test_strength_lines_name_the_largest_parts_first() -> None:
    e = TieEvidence(as_of=date(2026, 6, 1), strength=0.5, computed=0.5, recency=1.0,
                    depth=0.8, trust=0.2)
    assert describe_strength(e)[1] == ("made of depth and frequency 0.28, "
                                       "recent contact 0.15, your stated trust 0.04")


def test_given_and_received_count_mutual_both_ways(history: History) -> None:
    e = history([(5, ADVICE, MUTUAL), (4, HELP, GAVE), (3, MET, MUTUAL)])
    assert (e.given, e.received) == (2, 1)


def test_balance_says_who_gave_what(history: History) -> None:
    assert describe_balance(history([(3, MET, MUTUAL)])) == "nothing given or received yet"
    assert describe_balance(history([(3, ADVICE, GAVE), (2, HELP, GAVE)])) == (
        "you gave twice, they gave nothing")
    assert describe_balance(history([(3, ADVICE, MUTUAL), (2, HELP, RECEIVED)])) == (
        "you gave once, they gave twice")
