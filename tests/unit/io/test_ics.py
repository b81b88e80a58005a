from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from kithbook.domain.errors import InvalidInput
from kithbook.io.ics import read_ics

DATA = Path(__file__).parents[2] / "data" / "import"


def _events(until: date = date(2024, 12, 31), since: date | None = None) -> list:
    with (DATA / "calendar.ics").open("rb") as f:
        return list(read_ics(f, until=until, since=since, name="calendar.ics"))


def _on(summary_start: str, events: list) -> list[date]:
    return sorted(e.occurred_on for e in events if (e.summary or "").startswith(summary_start))


def test_weekly_series_honours_exdate_override_and_cancellation() -> None:
    days = _on("Weekly sync", _events())
    # 22 Jan is an EXDATE, 29 Jan moved to 30 Jan, 5 Feb cancelled, UNTIL keeps 12 Feb.
    assert days == [date(2024, 1, 8), date(2024, 1, 15), date(2024, 1, 30), date(2024, 2, 12)]


def test_override_carries_its_own_attendees_and_summary() -> None:
    (moved,) = [e for e in _events() if e.occurred_on == date(2024, 1, 30)]
    assert moved.summary == "Weekly sync (moved to Tuesday)"
    assert [a.email for a in moved.attendees] == [
        "ada@analytical.example", "grace@navy.example", "marie@radium.example"]
    assert moved.occurrence == "20240129T083000Z"


def test_attendee_names_and_emails_are_read_from_folded_lines() -> None:
    first = next(e for e in _events() if e.occurred_on == date(2024, 1, 8))
    people = {a.email: a.name for a in first.attendees}
    assert people["grace@navy.example"] == "Grace Hopper"
    assert people["Jose@globex.example"] == "José Núñez"


def test_all_day_and_date_rules_with_rdate() -> None:
    assert _on("Team offsite", _events()) == [date(2024, 3, 15)]
    assert _on("Monthly lunch", _events()) == [
        date(2024, 5, 1), date(2024, 6, 1), date(2024, 7, 1), date(2024, 8, 15)]


def test_timed_event_keeps_the_date_of_its_own_zone() -> None:
    assert _on("Late call", _events()) == [date(2024, 4, 2)]


def test_events_without_attendees_are_still_yielded() -> None:
    (focus,) = [e for e in _events() if e.summary == "Focus time"]
    assert focus.attendees == ()


def test_only_the_window_is_expanded() -> None:
    events = _events(until=date(2024, 1, 20), since=date(2024, 1, 10))
    assert [(e.summary, e.occurred_on) for e in events] == [("Weekly sync", date(2024, 1, 15))]


def test_future_events_are_left_out() -> None:
    assert not _on("Not yet", _events(until=date(2030, 1, 1)))


def test_each_occurrence_has_a_stable_source_key() -> None:
    sources = [e.source for e in _events()]
    assert len(sources) == len(set(sources))
    assert "ics:weekly-sync-7f3a@google.com@20240108T083000Z" in sources
    assert "ics:offsite-2024@example.org" in sources


def test_endless_daily_series_is_bounded_by_the_window() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:daily\r\n"
            "DTSTART:20200101T090000\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Standup\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
    events = list(read_ics(BytesIO(text.encode()), since=date(2024, 1, 1),
                           until=date(2024, 1, 31)))
    assert len(events) == 31


def test_truncated_calendar_names_its_last_line() -> None:
    text = (DATA / "calendar.ics").read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    with pytest.raises(InvalidInput, match=r"line \d+: the calendar ends without END:VCALENDAR"):
        list(read_ics(BytesIO(cut.encode()), until=date(2024, 12, 31)))


def test_windows_and_iana_zone_names_without_vtimezone() -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:win\r\n"
            "DTSTART;TZID=Pacific Standard Time:20240105T170000\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\n"
            "SUMMARY:Friday call\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:ny\r\n"
            "DTSTART;TZID=America/New_York:20240105T220000\r\nSUMMARY:Dinner\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
    events = list(read_ics(BytesIO(text.encode()), until=date(2024, 12, 31)))
    # 17:00 in California and 22:00 in New York are already the next day in UTC.
    assert [(e.summary, e.occurred_on) for e in events] == [
        ("Friday call", date(2024, 1, 5)), ("Friday call", date(2024, 1, 12)),
        ("Dinner", date(2024, 1, 5))]
    assert events[0].occurrence == "20240106T010000Z"


@pytest.mark.parametrize("rule", ["FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR",
                                  "FREQ=DAILY;BYDAY=TU,TH;BYMONTH=3,4"])
def test_old_series_give_the_same_occurrences_as_a_full_walk(rule: str) -> None:
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:old\r\n"
            f"DTSTART;TZID=Europe/Paris:20150105T093000\r\nRRULE:{rule}\r\n"
            "SUMMARY:Old series\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    since, until = date(2024, 3, 1), date(2024, 4, 30)  # across the change to summer time
    events = list(read_ics(BytesIO(text.encode()), since=since, until=until))
    paris = ZoneInfo("Europe/Paris")
    full = rrulestr(rule, dtstart=datetime(2015, 1, 5, 9, 30, tzinfo=paris))
    expected = full.between(datetime.combine(since, time.min, paris),
                            datetime.combine(until, time.max, paris), inc=True)
    assert [e.occurred_on for e in events] == [m.date() for m in expected]
    assert [e.occurrence for e in events] == [
        m.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for m in expected]
