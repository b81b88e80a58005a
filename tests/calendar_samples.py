"""Calendars for capture tests: one Radicale calendar of meetings with Dana and Lee,
recurring, moved, cancelled, declined, too large and not yet happened."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

from kithbook.domain.capture import RuleKind
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.services.secrets import new_key
from mail_samples import DANA, LEE, ME
from radicale_server import Radicale
from stored_rows import every_row

BOTH = [(ME, "ACCEPTED"), (DANA, "ACCEPTED")]


def event(uid: str, start: str, attendees: list[tuple[str, str]], *,
           extra: str = "") -> str:
    people = "".join(f"ATTENDEE;PARTSTAT={state}:mailto:{email}\r\n"
                     for email, state in attendees)
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
            f"DTSTART:{start}\r\nDTEND:{start[:9]}100000Z\r\nSUMMARY:Private plans\r\n"
            f"ORGANIZER:mailto:{ME}\r\n{people}{extra}END:VEVENT\r\n")


def calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n").encode()


def weekly(moved_to: str = "20260512T090000Z") -> bytes:
    """Weekly with Dana, four times from 5 May; the second moved, the third cancelled:
    one object, as CalDAV keeps a series and its exceptions together."""
    return calendar(
        event("weekly", "20260505T090000Z", BOTH, extra="RRULE:FREQ=WEEKLY;COUNT=4\r\n"),
        event("weekly", moved_to, BOTH, extra="RECURRENCE-ID:20260512T090000Z\r\n"),
        event("weekly", "20260519T090000Z", BOTH,
               extra="RECURRENCE-ID:20260519T090000Z\r\nSTATUS:CANCELLED\r\n"))


def fill(server: Radicale) -> None:
    server.make_calendar("work")
    server.put("work", "weekly.ics", weekly())
    # Sam declined: nothing. Lee declined, Dana came: Dana only.
    server.put("work", "declined.ics", calendar(
        event("declined", "20260601T090000Z", [(ME, "DECLINED"), (LEE, "ACCEPTED")])))
    server.put("work", "lee-out.ics", calendar(
        event("lee-out", "20260602T090000Z",
               [(ME, "ACCEPTED"), (LEE, "DECLINED"), (DANA, "ACCEPTED")])))
    # An all-hands with fourteen people: not a relationship with each.
    server.put("work", "all-hands.ics", calendar(event(
        "all-hands", "20260603T090000Z",
        [(LEE, "ACCEPTED"), *((f"p{n}@crowd.example", "ACCEPTED") for n in range(13))])))
    # Lunch with Lee on the 20th: the tests' today is 15 June, so not yet.
    server.put("work", "lunch.ics", calendar(
        event("lunch", "20260620T120000Z", [(ME, "ACCEPTED"), (LEE, "ACCEPTED")])))


def sam_with_dana_and_lee(kb: Kithbook, *, capture_key: bool = False) -> Member:
    """The local member Sam, whose own address is ME, with Dana and Lee in the book;
    `capture_key` gives the book a key to keep account passwords with."""
    if capture_key:
        kb.settings = replace(kb.settings, capture_key=new_key())
    member, _ = kb.book.init_local_member("Sam")
    kb.capture().set_rule(member.id, ME, RuleKind.OWN)
    for name, email in (("Dana Ruiz", DANA), ("Lee Chen", LEE)):
        kb.book.add_contact(member.id, ContactFields(name=name, emails=[Labeled(email)]))
    return member


def met(kb: Kithbook, me: Member) -> list[tuple[str, date]]:
    """Every `met` in the book: (contact's name, day), sorted."""
    out = []
    for row in kb.book.list_contacts(me.id, ContactQuery()).items:
        view = kb.book.get_contact(me.id, row.contact.id)
        out += [(row.contact.name, i.occurred_on) for i in view.timeline
                if i.kind.value == "met"]
    return sorted(out)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The files of `folder` over HTTP on loopback, as a calendar's secret address would
    serve them (with ETag-less Last-Modified); the server's base URL."""
    handler = lambda *a, **k: _Quiet(*a, directory=str(folder), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def stored_text(url: str) -> str:
    """Every row of every table of the database at `url`, as one text to search for what
    must never be stored (a password, a subject, a body)."""
    return repr(every_row(url))
