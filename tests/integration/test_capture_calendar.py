"""A subscribed calendar (ICS over HTTP from a real local server), on both databases:
meetings with known people become `met`, recurring ones expanded, cancelled and declined
ones skipped, moved ones followed, and an unchanged calendar is not read again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from calendar_samples import event, met, sam_with_dana_and_lee, serving
from fakes import FixedClock
from kithbook.domain.errors import KithbookError
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from mail_samples import DANA, LEE, ME


def calendar(moved_to: str = "20260512T090000Z") -> bytes:
    both = [(ME, "ACCEPTED"), (DANA, "ACCEPTED")]
    events = [
        # Weekly with Dana, four times from 5 May; the second moved, the third cancelled.
        event("weekly", "20260505T090000Z", both, extra="RRULE:FREQ=WEEKLY;COUNT=4\r\n"),
        event("weekly", moved_to, both, extra="RECURRENCE-ID:20260512T090000Z\r\n"),
        event("weekly", "20260519T090000Z", both,
               extra="RECURRENCE-ID:20260519T090000Z\r\nSTATUS:CANCELLED\r\n"),
        # Sam declined: nothing. Lee declined, Dana came: Dana only.
        event("declined", "20260601T090000Z", [(ME, "DECLINED"), (LEE, "ACCEPTED")]),
        event("lee-out", "20260602T090000Z", [(ME, "ACCEPTED"), (LEE, "DECLINED"),
                                                (DANA, "ACCEPTED")]),
        # An all-hands with fourteen people: not a relationship with each.
        event("all-hands", "20260603T090000Z",
               [(LEE, "ACCEPTED"), *((f"p{n}@crowd.example", "ACCEPTED") for n in range(13))]),
        # Next month: has not happened yet.
        event("future", "20260701T090000Z", both),
    ]
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n").encode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "cal.ics").write_bytes(calendar())
    with serving(folder) as url:
        yield url, folder


@pytest.fixture
def me(kb: Kithbook) -> Member:
    return sam_with_dana_and_lee(kb)


def test_meetings_become_met_with_known_attendees_and_runs_are_incremental(
        kb: Kithbook, me: Member, served: tuple[str, Path]) -> None:
    url, folder = served
    cap = kb.capture()
    source = cap.add_ics(me.id, f"{url}/cal.ics", label="work calendar")
    (outcome,) = cap.run(me.id, source.id)
    assert outcome.error is None and outcome.report is not None
    assert met(kb, me) == [("Dana Ruiz", date(2026, 5, 5)), ("Dana Ruiz", date(2026, 5, 12)),
                           ("Dana Ruiz", date(2026, 5, 26)), ("Dana Ruiz", date(2026, 6, 2))]
    assert kb.depth.tie_depth(me.id, "Dana Ruiz").evidence_text.startswith(
        "met 4 times (from your calendar)")
    kb.book.log_interaction(me.id, ["Dana Ruiz"], Kind.MET, Direction.MUTUAL, date(2026, 6, 10))
    kb.book.log_interaction(me.id, ["Dana Ruiz"], Kind.EMAILED, Direction.GAVE, date(2026, 6, 11))
    assert kb.depth.tie_depth(me.id, "Dana Ruiz").evidence_text.startswith(
        "emailed once, met 5 times (4 from your calendar)")
    # Unchanged: the server says 304 and nothing is read.
    (again,) = cap.run(me.id, source.id)
    assert again.report is not None and (again.report.occurrences, again.report.added) == (0, 0)
    # The second meeting moves to the Thursday: followed, not doubled.
    (folder / "cal.ics").write_bytes(calendar(moved_to="20260514T090000Z"))
    stamp = (folder / "cal.ics").stat().st_mtime + 10
    os.utime(folder / "cal.ics", (stamp, stamp))
    (moved,) = cap.run(me.id, source.id)
    assert moved.report is not None and (moved.report.added, moved.report.moved) == (0, 1)
    assert ("Dana Ruiz", date(2026, 5, 14)) in met(kb, me)
    assert len(met(kb, me)) == 5
    removed = cap.remove_source(me.id, source.id)
    assert removed.interactions == 4 and met(kb, me) == [("Dana Ruiz", date(2026, 6, 10))]
    assert "calendar" not in kb.depth.tie_depth(me.id, "Dana Ruiz").evidence_text


def test_an_unchanged_calendar_is_read_again_on_a_new_day_for_meetings_now_past(
        kb: Kithbook, me: Member, served: tuple[str, Path], clock: FixedClock) -> None:
    url, _ = served
    cap = kb.capture()
    source = cap.add_ics(me.id, f"{url}/cal.ics")
    cap.run(me.id, source.id)
    (same_day,) = cap.run(me.id, source.id)
    assert same_day.report is not None and same_day.report.occurrences == 0
    clock.advance(17)  # 2 July: the meeting of 1 July has taken place
    (next_day,) = cap.run(me.id, source.id)
    assert next_day.report is not None and next_day.report.added == 1
    assert ("Dana Ruiz", date(2026, 7, 1)) in met(kb, me)


def test_a_bad_calendar_address_says_one_sentence_and_stores_nothing(
        kb: Kithbook, me: Member, served: tuple[str, Path]) -> None:
    url, folder = served
    (folder / "broken.ics").write_bytes(b"BEGIN:VCALENDAR\r\nthis is not a calendar")
    cap = kb.capture()
    for address, said in ((f"{url}/missing.ics", "has no calendar at that address"),
                          ("ftp://x.example/cal.ics", "not a calendar address"),
                          ("http://127.0.0.1:1/cal.ics", "refused the connection"),
                          (f"{url}/broken.ics", "broken.ics")):
        with pytest.raises(KithbookError) as caught:
            cap.add_ics(me.id, address)
        assert said in caught.value.message and "\n" not in caught.value.message
    assert cap.sources(me.id) == []
