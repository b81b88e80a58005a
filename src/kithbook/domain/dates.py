"""Dates as people type them: today, yesterday, 2026-03-01, 3 days ago.

The book takes every day of the calendar from 0001-01-01 (the first a date can name)
up to today: relationships older than 1970 included, nothing that has not happened yet.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from kithbook.domain.errors import InvalidInput

_AGO = re.compile(r"^(\d{1,4}|a|an|one)\s+(day|week|month|year)s?\s+ago$")
_UNIT_DAYS = {"day": 1, "week": 7}


def parse_date(text: str, *, today: date, field: str = "date") -> date:
    """Read a date; relative words count back from `today`."""
    word = " ".join(text.strip().lower().split())
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    match = _AGO.match(word)
    if match:
        count = 1 if match.group(1) in ("a", "an", "one") else int(match.group(1))
        unit = match.group(2)
        if unit in _UNIT_DAYS:
            return today - timedelta(days=count * _UNIT_DAYS[unit])
        months = count * (12 if unit == "year" else 1)
        return _months_back(today, months, field)
    try:
        return date.fromisoformat(word)
    except ValueError:
        pass
    raise InvalidInput(
        f"cannot read the date {text!r}; use today, yesterday, YYYY-MM-DD "
        "(e.g. 2026-03-01) or 'N days ago' (also weeks, months, years), for any day "
        "from 0001-01-01 to today.",
        field=field,
    )


def check_started_on(day: date | None, today: date) -> date | None:
    """A relationship's start: any day up to today."""
    if day is not None and day > today:
        raise InvalidInput(
            f"the relationship cannot start on {day.isoformat()}, which is in the future; "
            f"give the day you first met, {today.isoformat()} at the latest.",
            field="started_on")
    return day


def _months_back(day: date, months: int, field: str) -> date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    if year < 1:
        raise InvalidInput("that date is before 0001-01-01, the earliest day a date can "
                           "name; give a later one.", field=field)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def describe_ago(day: date | None, today: date) -> str:
    """How long ago, as people say it: "yesterday", "12 days ago", "3 months ago"."""
    if day is None:
        return "never"
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"
