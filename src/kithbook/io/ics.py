"""iCalendar (.ics): the meetings in a calendar, one record per occurrence within a window.

A calendar is parsed whole: an overridden occurrence (RECURRENCE-ID) may appear anywhere in
the file, after or before its series. Recurring series are expanded with dateutil's rrule
between `since` and `until`, minus EXDATEs, plus RDATEs, with overrides replacing (or
cancelling) the occurrences they name. All-day events give their date; timed events give
the date in their own time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, BinaryIO

import icalendar
from dateutil.rrule import rruleset, rrulestr  # type: ignore[import-untyped]

from kithbook.domain.errors import InvalidInput
from kithbook.io.limits import DEFAULT_LIMITS, Limits, text_lines
from kithbook.io.records import Attendee, ImportedEvent
from kithbook.services.normalize import normalize_email

DEFAULT_WINDOW_DAYS = 5 * 365


@dataclass
class _Event:
    number: int
    component: Any

    @property
    def summary(self) -> str | None:
        text = str(self.component.get("SUMMARY", "")).strip()
        return text or None

    def where(self, name: str) -> str:
        summary = f" ({self.summary[:60]})" if self.summary else ""
        return f"{name}, event {self.number}{summary}"


def read_ics(stream: BinaryIO, *, until: date, since: date | None = None,
             name: str = "calendar.ics",
             limits: Limits = DEFAULT_LIMITS) -> Iterator[ImportedEvent]:
    """Yield every occurrence that starts between `since` and `until`, both included.

    `since` defaults to five years before `until`; callers pass today (or yesterday) as
    `until` so that only meetings that took place become interactions.
    """
    since = since or until - timedelta(days=DEFAULT_WINDOW_DAYS)
    calendar = _parse(stream, name=name, limits=limits)
    series: dict[str, list[_Event]] = {}
    for number, component in enumerate(calendar.walk("VEVENT"), 1):
        event = _Event(number, component)
        uid = str(component.get("UID", "")).strip() or f"no-uid-{number}"
        series.setdefault(uid, []).append(event)
    for uid, events in series.items():
        yield from _occurrences(uid, events, since=since, until=until, name=name,
                                limits=limits)


def _parse(stream: BinaryIO, *, name: str, limits: Limits) -> Any:
    lines: list[str] = []
    size = 0
    for line in text_lines(stream, name=name, limits=limits):
        size += len(line)
        if size > limits.max_calendar_bytes:
            raise InvalidInput(
                f"{name}: the calendar is larger than {limits.max_calendar_bytes:,} "
                "characters; export a shorter period and import that.", field="file")
        lines.append(line)
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    if not lines or not lines[0].lstrip("\ufeff").strip().upper().startswith("BEGIN:VCALENDAR"):
        raise InvalidInput(f"{name}, line 1: expected BEGIN:VCALENDAR; is this an "
                           "iCalendar (.ics) file?", field="file")
    if last.upper() != "END:VCALENDAR":
        raise InvalidInput(
            f"{name}, line {len(lines)}: the calendar ends without END:VCALENDAR, so the "
            "file is cut short. Export it again and import the new file.", field="file")
    try:
        return icalendar.Calendar.from_ical("".join(lines).lstrip("\ufeff"))
    except (ValueError, KeyError, IndexError) as exc:
        raise InvalidInput(f"{name}: the calendar cannot be read ({_short(exc)}). Export it "
                           "again and import the new file.", field="file") from None


def _occurrences(uid: str, events: list[_Event], *, since: date, until: date, name: str,
                 limits: Limits) -> Iterator[ImportedEvent]:
    masters = [e for e in events if "RECURRENCE-ID" not in e.component]
    overrides = {_key(_dt(e, "RECURRENCE-ID", name)): e for e in events
                 if "RECURRENCE-ID" in e.component}
    for master in masters:
        if _cancelled(master):
            continue
        start = _dt(master, "DTSTART", name)
        recurring = "RRULE" in master.component or "RDATE" in master.component
        starts = (_expand(master, start, since=since, until=until, name=name, limits=limits)
                  if recurring else [start])
        for when in starts:
            key = _key(when)
            if key in overrides or not _within(when, since, until):
                continue
            yield _record(uid, key if recurring else None, when, master, name)
    for key, override in overrides.items():
        when = _dt(override, "DTSTART", name)
        if not _cancelled(override) and _within(when, since, until):
            yield _record(uid, key, when, override, name)


def _expand(event: _Event, start: date | datetime, *, since: date, until: date, name: str,
            limits: Limits) -> list[date | datetime]:
    all_day = not isinstance(start, datetime)
    first = datetime.combine(start, time.min) if all_day else start
    assert isinstance(first, datetime)
    zone = first.tzinfo
    rules = rruleset()
    try:
        for rule in _as_list(event.component.get("RRULE")):
            rules.rrule(rrulestr(_rule_text(rule, first), dtstart=first))
        for moment in _dates(event.component.get("RDATE")):
            rules.rdate(_align(moment, first))
        for moment in _dates(event.component.get("EXDATE")):
            rules.exdate(_align(moment, first))
        low = datetime.combine(since, time.min, tzinfo=zone)
        high = datetime.combine(until, time.max, tzinfo=zone)
        found: list[date | datetime] = []
        for moment in rules.xafter(low - timedelta(days=1), inc=True):
            if moment > high + timedelta(days=1):
                break
            found.append(moment.date() if all_day else moment)
            if len(found) > limits.max_occurrences_per_event:
                raise InvalidInput(
                    f"{event.where(name)}: the series repeats more than "
                    f"{limits.max_occurrences_per_event:,} times in the window; import a "
                    "shorter period.", field="file")
        return found
    except InvalidInput:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidInput(f"{event.where(name)}: cannot expand its repetition rule "
                           f"({_short(exc)}). Fix the event and import again.",
                           field="file") from None


def _rule_text(rule: Any, first: datetime) -> str:
    """The rule with its UNTIL in the form dateutil demands: UTC for a zoned start, else local."""
    rule = icalendar.vRecur(dict(rule))
    ends = rule.get("UNTIL")
    if ends:
        end = ends[0]
        if not isinstance(end, datetime):
            end = datetime.combine(end, time(23, 59, 59))
        if first.tzinfo is None:
            end = end.astimezone(first.tzinfo).replace(tzinfo=None) if end.tzinfo else end
        else:
            end = (end if end.tzinfo else end.replace(tzinfo=first.tzinfo)).astimezone(UTC)
        rule["UNTIL"] = [end]
    return str(rule.to_ical().decode())


def _record(uid: str, occurrence: str | None, when: date | datetime, event: _Event,
            name: str) -> ImportedEvent:
    day = when.date() if isinstance(when, datetime) else when
    return ImportedEvent(uid=uid, occurrence=occurrence, occurred_on=day,
                         summary=event.summary, where=event.where(name),
                         attendees=_attendees(event.component))


def _attendees(component: Any) -> tuple[Attendee, ...]:
    found: dict[str, Attendee] = {}
    for entry in [*_as_list(component.get("ORGANIZER")), *_as_list(component.get("ATTENDEE"))]:
        address = str(entry).strip()
        if address.lower().startswith("mailto:"):
            address = address[7:]
        try:
            email = normalize_email(address)
        except InvalidInput:
            # Rooms, groups and placeholders are listed too; they cannot match a contact.
            continue
        params = getattr(entry, "params", {})
        label = str(params.get("CN", "")).strip().strip('"') or None
        found.setdefault(email.lower(), Attendee(email, label))
    return tuple(found.values())


def _dt(event: _Event, prop: str, name: str) -> date | datetime:
    value = event.component.get(prop)
    moment = getattr(value, "dt", None)
    if not isinstance(moment, date):
        raise InvalidInput(f"{event.where(name)}: it has no readable {prop}. Fix the event "
                           "and import again.", field="file")
    return moment


def _dates(prop: Any) -> Iterator[date | datetime]:
    for entry in _as_list(prop):
        for item in getattr(entry, "dts", []):
            moment = item.dt
            if isinstance(moment, tuple):  # an RDATE period: its start is the occurrence
                moment = moment[0]
            if isinstance(moment, date):
                yield moment


def _align(moment: date | datetime, first: datetime) -> datetime:
    """Put an EXDATE or RDATE in the same form as the series start so they compare."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, first.timetz().replace(tzinfo=None),
                                tzinfo=first.tzinfo)
    if first.tzinfo is None:
        return moment.replace(tzinfo=None)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=first.tzinfo)
    return moment.astimezone(first.tzinfo)


def _key(moment: date | datetime) -> str:
    """RECURRENCE-ID as text: UTC for zoned times, so either side's zone gives the same key."""
    if not isinstance(moment, datetime):
        return moment.strftime("%Y%m%d")
    if moment.tzinfo is None:
        return moment.strftime("%Y%m%dT%H%M%S")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _within(moment: date | datetime, since: date, until: date) -> bool:
    day = moment.date() if isinstance(moment, datetime) else moment
    return since <= day <= until


def _cancelled(event: _Event) -> bool:
    return str(event.component.get("STATUS", "")).upper() == "CANCELLED"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (text[:120] + "…") if len(text) > 120 else (text or type(exc).__name__)
