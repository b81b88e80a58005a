"""Important dates: a birthday, an anniversary, or a dated fact the member names.

A date may lack its year (people know a birthday, not the year of it): then it is a month
and a day, 29 February included. A full date may be any day from 0001-01-01 to today;
it recurs every year on its month and day (29 February on 28 February in other years),
which is what the digest and the feed remind of.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId

MAX_LABEL = 100
MAX_DATES = 20  # per contact

# `1815-12-10`, `18151210`, `--1210`, `--12-10`, `12-10`, `1815-12-10T00:00:00Z`
_FULL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T[\d:.]*(?:Z|[+-][\d:]+)?)?$")
_NO_YEAR = re.compile(r"^(?:--)?(\d{2})-?(\d{2})$")


class DateKind(StrEnum):
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    OTHER = "other"  # its `label` says what it is ("Name day", "Started at Acme")


@dataclass(frozen=True)
class ImportantDate:
    kind: DateKind
    month: int
    day: int
    year: int | None = None  # None: the year is not known
    label: str | None = None

    def __post_init__(self) -> None:
        check_important_date(self)

    @property
    def what(self) -> str:
        """"birthday", "anniversary" or the member's own name for it."""
        return self.label or self.kind.value

    @property
    def iso(self) -> str:
        """`1815-12-10`, or `--12-10` without a year (ISO 8601 / RFC 6350 form)."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def shown(self) -> str:
        """`1815-12-10`, or `12-10 (year unknown)`."""
        return self.iso if self.year is not None else f"{self.iso[2:]} (year unknown)"

    def on_year(self, year: int) -> date:
        """The day it falls on in `year`; 29 February is kept on 28 February otherwise."""
        day = self.day
        if self.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        return date(year, self.month, day)

    def next_on_or_after(self, today: date) -> date:
        """The next time it comes round, today included."""
        this_year = self.on_year(today.year)
        if this_year >= today or today.year == 9999:
            return this_year
        return self.on_year(today.year + 1)


def check_important_date(value: ImportantDate, today: date | None = None) -> None:
    if not isinstance(value.kind, DateKind):
        raise InvalidInput(f"{value.kind!r} is not a kind of date; use birthday, anniversary "
                           "or other with a name.", field="dates")
    year = value.year if value.year is not None else 2000  # a leap year: 29 Feb allowed
    if not 1 <= year <= 9999 or not 1 <= value.month <= 12 or not 1 <= value.day <= \
            calendar.monthrange(year, value.month)[1]:
        raise InvalidInput(f"{_shown(value)} is not a day of the calendar.", field="dates")
    if today is not None and value.year is not None and \
            date(value.year, value.month, value.day) > today:
        raise InvalidInput(f"{_shown(value)} is after today; an important date is one that "
                           "has happened (a birthday, an anniversary).", field="dates")
    if value.label is not None and (not value.label.strip() or len(value.label) > MAX_LABEL):
        raise InvalidInput(f"a date's name is 1 to {MAX_LABEL} characters.", field="dates")
    if value.kind is DateKind.OTHER and not value.label:
        raise InvalidInput("a date other than a birthday or an anniversary needs a name "
                           "(like 'Name day').", field="dates")


def parse_important_date(text: str, kind: DateKind, *, label: str | None = None,
                         today: date | None = None) -> ImportantDate:
    """Read `1815-12-10`, `18151210`, `--12-10` or `--1210` (no year), `1815-12-10T…`."""
    cleaned = text.strip()
    full = _FULL.match(cleaned)
    if full:
        value = ImportantDate(kind, int(full.group(2)), int(full.group(3)),
                              int(full.group(1)), label)
    else:
        bare = _NO_YEAR.match(cleaned)
        if not bare:
            raise InvalidInput(f"cannot read the date {cleaned[:40]!r}; write it like "
                               "1815-12-10, or --12-10 without the year.", field="dates")
        value = ImportantDate(kind, int(bare.group(1)), int(bare.group(2)), None, label)
    check_important_date(value, today)
    return value


def _shown(value: ImportantDate) -> str:
    year = "--" if value.year is None else f"{value.year:04d}-"
    return f"{year}{value.month:02d}-{value.day:02d}"


def check_dates(values: list[ImportantDate]) -> list[ImportantDate]:
    """A contact's dates: at most `MAX_DATES`, each once, birthdays first."""
    unique = list(dict.fromkeys(values))
    if len(unique) > MAX_DATES:
        raise InvalidInput(f"a contact can hold at most {MAX_DATES} important dates.",
                           field="dates")
    order = {DateKind.BIRTHDAY: 0, DateKind.ANNIVERSARY: 1, DateKind.OTHER: 2}
    return sorted(unique, key=lambda d: order[d.kind])


def named(what: str) -> tuple[DateKind, str | None]:
    """"birthday" and "anniversary" are kinds; other words name a date of kind other."""
    words = " ".join(what.split())
    for kind in (DateKind.BIRTHDAY, DateKind.ANNIVERSARY):
        if words.casefold() == kind.value:
            return kind, None
    if not words or words.casefold() == DateKind.OTHER.value:
        raise InvalidInput("say which date: birthday, anniversary, or its own name "
                           "(like 'Name day').", field="what")
    return DateKind.OTHER, words


def _is(value: ImportantDate, what: str) -> bool:
    return value.what.casefold() == " ".join(what.split()).casefold()


def placed(held: Sequence[ImportantDate], value: ImportantDate,
           replacing: str | None = None) -> list[ImportantDate]:
    """`held` with `value` in the place of the date named `replacing` (by default the one
    named as `value` is): a contact has one birthday, one "Name day"."""
    gone = value.what if replacing is None else replacing
    kept = [d for d in held if not _is(d, gone) and not _is(d, value.what)]
    return check_dates([*kept, value])


def without(held: Sequence[ImportantDate], what: str, whose: str) -> list[ImportantDate]:
    """`held` without the date named `what`; `whose` names the contact in the error."""
    kept = [d for d in held if not _is(d, what)]
    if len(kept) == len(held):
        names = ", ".join(d.what for d in held) or "none"
        raise InvalidInput(f"{whose} has no date named {what.strip()[:MAX_LABEL]!r}; the "
                           f"dates held are: {names}.", field="what")
    return kept


WEEK = 7
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Upcoming:
    """An important date of a contact that comes round soon."""

    contact: ContactId
    name: str
    what: ImportantDate
    on: date

    def text(self, today: date) -> str:
        """"Ada Lovelace's birthday is on Thursday" (or today, tomorrow, on 10 December)."""
        days = (self.on - today).days
        when = ("today" if days == 0 else "tomorrow" if days == 1
                else f"on {_WEEKDAYS[self.on.weekday()]}" if days < WEEK
                else f"on {self.on.day} {self.on.strftime('%B')}")
        return f"{self.name}'s {self.what.what} is {when}"


def upcoming(dates: Mapping[ContactId, Sequence[ImportantDate]],
             names: Mapping[ContactId, str], today: date,
             days: int = WEEK) -> list[Upcoming]:
    """The dates that come round from today to `days` days later, soonest first."""
    last = today + timedelta(days=days - 1) if today.year < 9999 else today
    found = []
    for contact, held in dates.items():
        name = names.get(contact)
        if name is None:
            continue
        for value in held:
            on = value.next_on_or_after(today)
            if on <= last:
                found.append(Upcoming(contact, name, value, on))
    return sorted(found, key=lambda u: (u.on, u.name, u.contact))
