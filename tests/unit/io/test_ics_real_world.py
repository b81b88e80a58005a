"""Calendars as Google and Thunderbird write them: a broken property costs only itself."""

from datetime import date
from pathlib import Path

from kithbook.io.ics import read_ics
from kithbook.io.records import ImportedEvent, Warnings

DATA = Path(__file__).parents[2] / "data" / "import"


def _read(filename: str, until: date, since: date | None = None
          ) -> tuple[list[ImportedEvent], list[str]]:
    warnings = Warnings()
    with (DATA / filename).open("rb") as f:
        events = list(read_ics(f, until=until, since=since, name=filename, warnings=warnings))
    return events, [str(w) for w in warnings.shown]


def test_a_malformed_rdate_in_googles_birthdays_skips_only_that_property() -> None:
    events, warnings = _read("google_birthdays.ics", until=date(2025, 6, 1))
    assert [(e.occurred_on, e.summary) for e in events] == [
        (date(2023, 3, 15), "Ada Lovelace's birthday"),
        (date(2024, 3, 15), "Ada Lovelace's birthday"),
        (date(2025, 3, 15), "Ada Lovelace's birthday"),
        (date(2023, 4, 2), "Alan Turing's birthday"),
        (date(2024, 4, 2), "Alan Turing's birthday"),
        (date(2025, 4, 2), "Alan Turing's birthday"),
    ]
    assert warnings == [
        "google_birthdays.ics, event 1 (Ada Lovelace's birthday): its RDATE cannot be read "
        "(Expected time, got: 2024031); that property is skipped.",
        "google_birthdays.ics, event 3 (No start): its DTSTART cannot be read (Wrong date "
        "format notadate); that property is skipped.",
        "google_birthdays.ics, event 3 (No start): it has no readable DTSTART; the event is "
        "skipped.",
    ]


def test_an_exceptions_rdate_periods_are_occurrences_too() -> None:
    events, _ = _read("exception_periods.ics", until=date(2024, 6, 1))
    assert sorted((e.occurred_on, e.source) for e in events) == [
        (date(2024, 1, 2), "ics:sync-1@20240102T100000Z"),
        (date(2024, 1, 10), "ics:sync-1@20240109T100000Z"),
        (date(2024, 1, 11), "ics:sync-1@20240109T100000Z+20240111T100000Z"),
        (date(2024, 1, 12), "ics:sync-1@20240109T100000Z+20240112T100000Z"),
        (date(2024, 1, 16), "ics:sync-1@20240116T100000Z"),
    ]


def test_events_outside_the_window_are_counted_and_since_brings_them_in() -> None:
    events, warnings = _read("exception_periods.ics", until=date(2024, 6, 1))
    assert "old-1" not in {e.uid for e in events}
    assert warnings == [
        "exception_periods.ics: 1 event(s) have no date between 2019-06-03 and 2024-06-01, "
        "so they are not imported. To import older ones, choose an earlier start with "
        "--since (the web form's 'since' field)."]
    events, warnings = _read("exception_periods.ics", until=date(2024, 6, 1),
                             since=date(2000, 1, 1))
    assert [e.occurred_on for e in events if e.uid == "old-1"] == [date(2001, 1, 5)]
    assert warnings == []
