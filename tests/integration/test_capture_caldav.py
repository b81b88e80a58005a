"""Capture from a real CalDAV server (Radicale on loopback), on both databases: meetings
with known people become `met`, recurring ones expanded, cancelled and declined ones
skipped, moved ones followed; runs read only what changed or has taken place since."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest

from calendar_samples import (
    BOTH,
    DANA,
    ME,
    calendar,
    event,
    fill,
    met,
    sam_with_dana_and_lee,
    stored_text,
    weekly,
)
from fakes import FixedClock
from kithbook.domain.errors import KithbookError
from kithbook.domain.members import Member
from kithbook.io.caldav_calendar import CalDavAccount, read_changes
from kithbook.services.capture import MeetingReport
from kithbook.services.capture_book import CaptureBook
from kithbook.services.exports import ExportFormat
from kithbook.services.facade import Kithbook
from radicale_server import PASSWORD, USER, Radicale, running_radicale


@pytest.fixture
def server() -> Iterator[Radicale]:
    with running_radicale() as running:
        fill(running)
        yield running


@pytest.fixture
def me(kb: Kithbook) -> Member:
    return sam_with_dana_and_lee(kb, capture_key=True)


def run(cap: CaptureBook, me: Member, source_id: str) -> MeetingReport:
    (outcome,) = cap.run(me.id, source_id)
    assert outcome.error is None, outcome.error
    assert isinstance(outcome.report, MeetingReport)
    return outcome.report


def test_caldav_meetings_become_met_and_runs_read_only_what_changed(
        kb: Kithbook, me: Member, server: Radicale, clock: FixedClock) -> None:
    cap = kb.capture()
    source = cap.add_caldav(me.id, url=server.url, username=USER, password=PASSWORD)
    assert cap.check_source(me.id, source.id) == ["work"]
    first = run(cap, me, source.id)
    assert met(kb, me) == [("Dana Ruiz", date(2026, 5, 5)), ("Dana Ruiz", date(2026, 5, 12)),
                           ("Dana Ruiz", date(2026, 5, 26)), ("Dana Ruiz", date(2026, 6, 2))]
    assert (first.added, first.declined, first.skipped_large) == (4, 1, 1)
    assert kb.depth.tie_depth(me.id, "Dana Ruiz").evidence_text.startswith(
        "met 4 times (from your calendar)")
    state = cap.source(me.id, source.id).state
    assert [s["mode"] for s in state.values()] == ["sync"]

    again = run(cap, me, source.id)
    assert (again.occurrences, again.added) == (0, 0)

    # The second meeting moves to the Thursday: only that object is read, and followed.
    server.put("work", "weekly.ics", weekly(moved_to="20260514T090000Z"))
    moved = run(cap, me, source.id)
    assert (moved.occurrences, moved.added, moved.moved) == (3, 0, 1)
    assert ("Dana Ruiz", date(2026, 5, 14)) in met(kb, me) and len(met(kb, me)) == 4

    # Nothing changes on the server, but the lunch of the 20th has taken place by the 21st.
    clock.advance(6)
    later = run(cap, me, source.id)
    assert later.added == 1 and ("Lee Chen", date(2026, 6, 20)) in met(kb, me)
    assert run(cap, me, source.id).added == 0

    removed = cap.remove_source(me.id, source.id)
    assert removed.interactions == 5 and met(kb, me) == []


def test_servers_without_sync_tokens_are_read_by_etag(server: Radicale) -> None:
    account = CalDavAccount(server.url, USER, PASSWORD)
    today = date(2026, 6, 15)
    first = read_changes(account, {}, today=today, sync_tokens=False)
    assert first.calendars == 1 and len(first.documents) == 5
    assert [s["mode"] for s in first.state.values()] == ["etag"]
    assert read_changes(account, first.state, today=today, sync_tokens=False).documents == []
    server.put("work", "weekly.ics", weekly(moved_to="20260513T090000Z"))
    changed = read_changes(account, first.state, today=today, sync_tokens=False)
    assert [name.rsplit("/", 1)[-1] for name, _ in changed.documents] == ["weekly.ics"]
    assert b"20260513T090000Z" in changed.documents[0][1]


def test_one_calendar_by_its_address_or_its_name(server: Radicale) -> None:
    server.make_calendar("family")
    server.put("family", "dinner.ics", calendar(
        event("dinner", "20260610T180000Z", [(ME, "ACCEPTED"), (DANA, "ACCEPTED")])))
    today = date(2026, 6, 15)
    whole = read_changes(CalDavAccount(server.url, USER, PASSWORD), {}, today=today)
    assert whole.calendars == 2 and len(whole.documents) == 6
    by_url = read_changes(CalDavAccount(server.calendar_url("family"), USER, PASSWORD), {},
                          today=today)
    by_name = read_changes(CalDavAccount(server.url, USER, PASSWORD, calendars=("Family",)),
                           {}, today=today)
    assert [len(r.documents) for r in (by_url, by_name)] == [1, 1]


def test_an_event_that_cannot_be_read_is_a_warning_and_the_rest_is_read(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    # A reminder every hour of every day: too many occurrences to expand as meetings.
    hours = ",".join(str(h) for h in range(24))
    server.put("work", "hourly.ics", calendar(event(
        "hourly", "20210101T000000Z", BOTH, extra=f"RRULE:FREQ=DAILY;BYHOUR={hours}\r\n")))
    cap = kb.capture()
    source = cap.add_caldav(me.id, url=server.url, username=USER, password=PASSWORD)
    report = run(cap, me, source.id)
    assert report.added == 4
    assert [w.split(":")[0] for w in report.warnings] == ["hourly.ics"]
    assert "repeats more than" in report.warnings[0]


def test_bad_accounts_say_one_sentence_and_store_nothing(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    cap = kb.capture()
    for url, password, calendars, said in (
            (server.url, "wrong", (), "refused the password for sam"),
            ("ftp://dav.example/", PASSWORD, (), "is not a CalDAV address"),
            ("http://127.0.0.1:1/", PASSWORD, (), "refused the connection"),
            ("http://no-such-host.invalid/", PASSWORD, (), "no server is known by the name"),
            (server.url, PASSWORD, ("holidays",), "has no calendar named holidays")):
        with pytest.raises(KithbookError) as caught:
            cap.add_caldav(me.id, url=url, username=USER, password=password,
                           calendars=calendars)
        assert said in caught.value.message and "\n" not in caught.value.message
        assert PASSWORD not in caught.value.message
    assert cap.sources(me.id) == []


def test_a_server_gone_fails_the_run_in_words_and_keeps_what_was_captured(
        kb: Kithbook, me: Member, server: Radicale) -> None:
    cap = kb.capture()
    source = cap.add_caldav(me.id, url=server.url, username=USER, password=PASSWORD)
    run(cap, me, source.id)
    before = met(kb, me)
    state = cap.source(me.id, source.id).state
    server.stop()
    (outcome,) = cap.run(me.id, source.id)
    assert outcome.error is not None and "refused the connection" in outcome.error
    stored = cap.source(me.id, source.id)
    assert stored.status == "failed" and stored.state == state and met(kb, me) == before


def test_no_password_or_meeting_title_is_stored_or_exported(
        kb: Kithbook, me: Member, server: Radicale, database_url: str) -> None:
    cap = kb.capture()
    source = cap.add_caldav(me.id, url=server.url, username=USER, password=PASSWORD)
    assert run(cap, me, source.id).added == 4
    out = io.StringIO()
    kb.transfer.export_book(me.id, ExportFormat.JSON, out)
    for text in (stored_text(database_url), out.getvalue()):
        assert PASSWORD not in text and "Private plans" not in text
    assert '"met"' in out.getvalue()
