"""iCalendar (.ics): the meetings in a calendar, one record per occurrence within a window.

A calendar is parsed whole: an overridden occurrence (RECURRENCE-ID) may appear anywhere in
the file, after or before its series. Recurring series are expanded with dateutil's rrule
between `since` and `until`, minus EXDATEs, plus RDATEs, with overrides replacing (or
cancelling) the occurrences they name. All-day events give their date; timed events give
the date in their own time zone.

A broken property (Google's birthday calendars carry malformed RDATEs) is skipped with a
warning and the rest of its event read; an event with no readable start is skipped with
a warning. How many events have no date in the window is said, so the member can widen
it. The safety caps (size, occurrences, expansion work) still refuse the file.
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
from kithbook.io.records import Attendee, ImportedEvent, Warnings
from kithbook.values.normalize import normalize_email

DEFAULT_WINDOW_DAYS = 5 * 365
# Meetings repeat daily at most; a series repeating every hour, minute or second is a
# reminder or an attack, and dateutil would walk every one of its periods.
_MEETING_FREQUENCIES = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}
# A rule that can never match ("30 February") makes dateutil walk to the year 9999; it is
# probed over this many years just before then, where that walk is short.
_PROBE_YEARS = 32
_PROBE_START = 9999 - _PROBE_YEARS  # 9967; 9968 is a leap year, so 29 February exists


class _Skip(Exception):
    """This event cannot be read; the reason is a sentence for the member."""


class _Budget:
    """Periods dateutil may still walk for this calendar."""

    def __init__(self, limits: Limits) -> None:
        self.left = limits.max_recurrence_periods

    def spend(self, periods: int, where: str) -> None:
        self.left -= periods
        if self.left < 0:
            raise InvalidInput(
                f"{where}: the calendar's repeating events span too many periods to expand "
                "(series that started long ago, or very many of them). Export a shorter "
                "period and import that.", field="file")


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
             name: str = "calendar.ics", limits: Limits = DEFAULT_LIMITS,
             warnings: Warnings | None = None,
             say_outside: bool = True) -> Iterator[ImportedEvent]:
    """Yield every occurrence that starts between `since` and `until`, both included.

    `since` defaults to five years before `until`; callers pass today (or yesterday) as
    `until` so that only meetings that took place become interactions. `say_outside`
    False drops the warning about events outside the window (capture reads calendars
    again and again: an event still ahead is no news).
    """
    warnings = warnings if warnings is not None else Warnings()
    since = since or until - timedelta(days=DEFAULT_WINDOW_DAYS)
    calendar = _parse(stream, name=name, limits=limits, warnings=warnings)
    series: dict[str, list[_Event]] = {}
    for number, component in enumerate(calendar.walk("VEVENT"), 1):
        event = _Event(number, component)
        _drop_broken(event, name, warnings)
        uid = str(component.get("UID", "")).strip() or f"no-uid-{number}"
        series.setdefault(uid, []).append(event)
    budget = _Budget(limits)
    outside = [0]
    for uid, events in series.items():
        yield from _occurrences(uid, events, since=since, until=until, name=name,
                                limits=limits, budget=budget, warnings=warnings,
                                outside=outside)
    if outside[0] and say_outside:
        warnings.add(name, (
            f"{outside[0]:,} event(s) have no date between {since.isoformat()} and "
            f"{until.isoformat()}, so they are not imported. To import older ones, choose "
            "an earlier start with --since (the web form's 'since' field)."))


def _drop_broken(event: _Event, name: str, warnings: Warnings) -> None:
    """Remove properties the calendar library could not parse, warning about each."""
    for prop, message in list(getattr(event.component, "errors", []) or []):
        key = str(prop).upper()
        if key in event.component:
            del event.component[key]
        warnings.add(event.where(name), f"its {key} cannot be read "
                     f"({_short(Exception(message))}); that property is skipped.")


def _parse(stream: BinaryIO, *, name: str, limits: Limits, warnings: Warnings) -> Any:
    lines: list[str] = []
    size = 0
    for line in text_lines(stream, name=name, limits=limits, warnings=warnings):
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
                 limits: Limits, budget: _Budget, warnings: Warnings,
                 outside: list[int]) -> Iterator[ImportedEvent]:
    overrides: dict[str, _Event] = {}
    for event in events:
        if "RECURRENCE-ID" in event.component:
            try:
                overrides[_key(_dt(event, "RECURRENCE-ID", name))] = event
            except _Skip as skip:
                warnings.add(event.where(name), f"{skip}; the event is skipped.")
    masters = [e for e in events if "RECURRENCE-ID" not in e.component]
    for master in masters:
        if _cancelled(master):
            continue
        try:
            start = _dt(master, "DTSTART", name)
            recurring = "RRULE" in master.component or "RDATE" in master.component
            starts = (_expand(master, start, since=since, until=until, name=name,
                              limits=limits, budget=budget) if recurring else [start])
        except _Skip as skip:
            warnings.add(master.where(name), f"{skip}; the event is skipped.")
            continue
        found = 0
        for when in starts:
            key = _key(when)
            if key in overrides or not _within(when, since, until):
                continue
            found += 1
            yield _record(uid, key if recurring else None, when, master, name)
        outside[0] += not found
    for key, override in overrides.items():
        if _cancelled(override):
            continue
        try:
            when = _dt(override, "DTSTART", name)
        except _Skip as skip:
            warnings.add(override.where(name), f"{skip}; the event is skipped.")
            continue
        found = 0
        # An exception may add dates of its own (RDATE, periods included).
        extra = [_align(moment, when) if isinstance(when, datetime) else _as_date(moment)
                 for moment in _dates(override.component.get("RDATE"))]
        for index, moment in enumerate([when, *extra]):
            if _within(moment, since, until):
                found += 1
                yield _record(uid, key if index == 0 else f"{key}+{_key(moment)}", moment,
                              override, name)
        outside[0] += not found


def _as_date(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _expand(event: _Event, start: date | datetime, *, since: date, until: date, name: str,
            limits: Limits, budget: _Budget) -> list[date | datetime]:
    all_day = not isinstance(start, datetime)
    first = datetime.combine(start, time.min) if all_day else start
    assert isinstance(first, datetime)
    zone = first.tzinfo
    rules = rruleset()
    try:
        for rule in _as_list(event.component.get("RRULE")):
            frequency = str((rule.get("FREQ") or [""])[0]).upper()
            days = _MEETING_FREQUENCIES.get(frequency)
            if days is None:
                continue
            interval = max(int((rule.get("INTERVAL") or [1])[0]), 1)
            begin = (_closer_start(rule, first, days * interval, since)
                     if frequency in ("DAILY", "WEEKLY") else first)
            span = max((until - begin.date()).days, 0)
            budget.spend(span // (days * interval) + 1, event.where(name))
            if _never_matches(rule, first, days, interval, budget, event.where(name)):
                continue
            rules.rrule(rrulestr(_rule_text(rule, first), dtstart=begin))
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
        raise _Skip(f"its repetition rule cannot be expanded ({_short(exc)})") from None


def _closer_start(rule: Any, first: datetime, step_days: int, since: date) -> datetime:
    """The series start moved forward by whole periods to just before the window.

    A daily or weekly series that began years ago would otherwise be walked day by day
    from its start. Moving by whole periods keeps every occurrence where it was (wall-clock
    time in the event's zone included); a COUNT is counted from the real start, so such
    rules are left alone. Monthly and yearly walks are short and are not moved.
    """
    if "COUNT" in rule:
        return first
    gap = (since - first.date()).days - step_days
    if gap <= 0:
        return first
    return first + timedelta(days=gap // step_days * step_days)


def _never_matches(rule: Any, first: datetime, days: int, interval: int, budget: _Budget,
                   where: str) -> bool:
    """True for a rule no date satisfies, found by a short walk just before the year 9999."""
    filters = {k for k in rule if k.startswith("BY")}
    if not filters:
        return False  # every period has its own start as an occurrence
    budget.spend(_PROBE_YEARS * 365 // (days * interval) + 1, where)
    probe: Any = icalendar.vRecur({k: v for k, v in rule.items() if k not in ("COUNT", "UNTIL")})
    start = first.replace(year=_PROBE_START + 1 if first.month == 2 and first.day == 29
                          else _PROBE_START)
    return rrulestr(probe.to_ical().decode(), dtstart=start).after(start, inc=True) is None


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


_NOT_PEOPLE = {"ROOM", "RESOURCE", "GROUP"}
_CALENDAR_ADDRESSES = ("@resource.calendar.google.com", "@group.calendar.google.com")


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
        if str(params.get("CUTYPE", "")).strip().upper() in _NOT_PEOPLE or \
                email.lower().endswith(_CALENDAR_ADDRESSES):
            continue  # a room or a shared calendar: never someone to meet or to add
        label = str(params.get("CN", "")).strip().strip('"') or None
        declined = str(params.get("PARTSTAT", "")).strip().upper() == "DECLINED"
        prior = found.get(email.lower())
        if prior is None:
            found[email.lower()] = Attendee(email, label, declined)
        elif declined:  # an organizer listed again as an attendee who declined
            found[email.lower()] = Attendee(prior.email, prior.name or label, True)
    return tuple(found.values())


def _dt(event: _Event, prop: str, name: str) -> date | datetime:
    value = event.component.get(prop)
    moment = getattr(value, "dt", None)
    if not isinstance(moment, date):
        raise _Skip(f"it has no readable {prop}")
    return moment


def _dates(prop: Any) -> Iterator[date | datetime]:
    for entry in _as_list(prop):
        try:
            items = getattr(entry, "dts", [])
        except Exception:  # a broken value the parser kept; already warned about
            continue
        for item in items:
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
