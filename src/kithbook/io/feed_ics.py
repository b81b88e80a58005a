"""The calendar feed as iCalendar (RFC 5545): all-day events, text escaped, lines folded
at 75 octets without splitting a character, CRLF line ends.

Written by hand rather than with `icalendar`: a feed of a large book holds tens of
thousands of events, and it is rebuilt whenever the book changes; the tests read every
feed back with `icalendar`, as a calendar would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from kithbook.domain.feed import FeedEvent
from kithbook.io.export_vcard import escape, fold

PRODID = "-//Kithbook//Keep in touch//EN"


def write_feed(events: Iterable[FeedEvent], *, stamp: datetime, name: str,
               alarm_minutes: int | None = None) -> str:
    """The whole calendar; `stamp` (UTC) is every event's DTSTAMP, the time the book last
    changed, so the same book always gives the same bytes."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}",
             "X-PUBLISHED-TTL:PT1H", "REFRESH-INTERVAL;VALUE=DURATION:PT1H"]
    dtstamp = f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}"
    for event in events:
        lines.extend(_event(event, dtstamp, alarm_minutes))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event(event: FeedEvent, dtstamp: str, alarm_minutes: int | None) -> list[str]:
    end = event.day + timedelta(days=1)
    lines = ["BEGIN:VEVENT", f"UID:{escape(event.uid)}", dtstamp,
             f"DTSTART;VALUE=DATE:{event.day.year:04d}{event.day:%m%d}",
             f"DTEND;VALUE=DATE:{end.year:04d}{end:%m%d}",
             f"SUMMARY:{escape(event.summary)}", f"DESCRIPTION:{escape(event.description)}",
             "TRANSP:TRANSPARENT", "CLASS:PRIVATE"]
    if event.leap_day:  # the last day of February in years without a 29th
        lines.append("RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")
    elif event.yearly:
        lines.append("RRULE:FREQ=YEARLY")
    if alarm_minutes is not None:
        sign = "-" if alarm_minutes < 0 else ""
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape(event.summary)}",
                  f"TRIGGER;RELATED=START:{sign}PT{abs(alarm_minutes)}M", "END:VALARM"]
    lines.append("END:VEVENT")
    return lines
