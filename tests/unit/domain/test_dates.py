from __future__ import annotations

from datetime import date

import pytest

from kithbook.domain.dates import parse_date
from kithbook.domain.errors import InvalidInput

TODAY = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("Yesterday", date(2026, 3, 30)),
        ("2026-03-01", date(2026, 3, 1)),
        ("3 days ago", date(2026, 3, 28)),
        ("1 day ago", date(2026, 3, 30)),
        ("a week ago", date(2026, 3, 24)),
        ("2 weeks ago", date(2026, 3, 17)),
        ("1 month ago", date(2026, 2, 28)),  # clamped to the end of February
        ("2 years ago", date(2024, 3, 31)),
        ("  3   DAYS  ago ", date(2026, 3, 28)),
    ],
)
def test_dates_people_type(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["last tuesday", "03/01/2026", "2026-02-30", "", "-3 days ago"])
def test_unreadable_dates_say_which_forms_work(text: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        parse_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("day", "said"),
    [(None, "never"), (TODAY, "today"), (date(2026, 3, 30), "yesterday"),
     (date(2026, 3, 19), "12 days ago"), (date(2025, 12, 31), "3 months ago"),
     (date(2023, 3, 1), "3 years ago")],
)
def test_how_long_ago_reads(day: date | None, said: str) -> None:
    from kithbook.domain.dates import describe_ago

    assert describe_ago(day, TODAY) == said
