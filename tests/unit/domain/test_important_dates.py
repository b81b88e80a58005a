from datetime import date

import pytest

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import (
    DateKind,
    ImportantDate,
    check_dates,
    named,
    parse_important_date,
    placed,
    upcoming,
    without,
)

BIRTHDAY = DateKind.BIRTHDAY


@pytest.mark.parametrize(("text", "expected"), [
    ("1815-12-10", ImportantDate(BIRTHDAY, 12, 10, 1815)),
    ("18151210", ImportantDate(BIRTHDAY, 12, 10, 1815)),
    ("1815-12-10T00:00:00Z", ImportantDate(BIRTHDAY, 12, 10, 1815)),
    ("--12-10", ImportantDate(BIRTHDAY, 12, 10)),
    ("--1210", ImportantDate(BIRTHDAY, 12, 10)),
    ("0001-01-01", ImportantDate(BIRTHDAY, 1, 1, 1)),
    ("--02-29", ImportantDate(BIRTHDAY, 2, 29)),
])
def test_dates_are_read_in_every_form_exports_use(text: str, expected: ImportantDate) -> None:
    assert parse_important_date(text, BIRTHDAY, today=date(2026, 6, 15)) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("1900-02-29", "not a day of the calendar"),
    ("--02-30", "not a day of the calendar"),
    ("2026-06-16", "after today"),
    ("circa 1800", "cannot read the date"),
])
def test_impossible_and_future_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_important_date(text, BIRTHDAY, today=date(2026, 6, 15))


def test_a_date_of_another_kind_needs_a_name() -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        ImportantDate(DateKind.OTHER, 5, 1)
    assert ImportantDate(DateKind.OTHER, 5, 1, None, "Name day").what == "Name day"


def test_the_next_time_a_date_comes_round() -> None:
    ada = ImportantDate(BIRTHDAY, 12, 10, 1815)
    assert ada.next_on_or_after(date(2026, 12, 10)) == date(2026, 12, 10)
    assert ada.next_on_or_after(date(2026, 12, 11)) == date(2027, 12, 10)
    leap = ImportantDate(BIRTHDAY, 2, 29)
    assert leap.next_on_or_after(date(2026, 1, 1)) == date(2026, 2, 28)
    assert leap.next_on_or_after(date(2028, 1, 1)) == date(2028, 2, 29)
    assert ImportantDate(BIRTHDAY, 1, 1, 1).iso == "0001-01-01"
    assert leap.iso == "--02-29"


def test_a_contacts_dates_are_each_once_birthdays_first() -> None:
    other = ImportantDate(DateKind.OTHER, 5, 1, None, "Name day")
    birthday = ImportantDate(BIRTHDAY, 12, 10, 1815)
    assert check_dates([other, birthday, other]) == [birthday, other]
    with pytest.raises(InvalidInput, match="at most 20"):
        check_dates([ImportantDate(BIRTHDAY, 1, day) for day in range(1, 22)])


def test_the_dates_of_the_coming_week_soonest_first_in_words() -> None:
    monday = date(2026, 6, 15)
    ada, alan, grace = ContactId("ada"), ContactId("alan"), ContactId("grace")
    dates = {ada: [ImportantDate(BIRTHDAY, 6, 18, 1815)],
             alan: [ImportantDate(BIRTHDAY, 6, 23, 1912)],  # eight days on: not this week
             grace: [ImportantDate(DateKind.OTHER, 6, 15, None, "Name day"),
                     ImportantDate(DateKind.ANNIVERSARY, 6, 16)]}
    names = {ada: "Ada Lovelace", alan: "Alan Turing", grace: "Grace Hopper"}
    found = upcoming(dates, names, monday)
    assert [u.text(monday) for u in found] == [
        "Grace Hopper's Name day is today", "Grace Hopper's anniversary is tomorrow",
        "Ada Lovelace's birthday is on Thursday"]
    assert [u.text(monday) for u in upcoming(dates, names, monday, days=30)][-1] == \
        "Alan Turing's birthday is on 23 June"


def test_a_date_typed_by_hand_takes_the_place_of_the_one_of_its_name() -> None:
    birthday = ImportantDate(DateKind.BIRTHDAY, 12, 10, 1815)
    name_day = ImportantDate(DateKind.OTHER, 2, 29, None, "Name day")
    held = [birthday, name_day]
    later = ImportantDate(DateKind.BIRTHDAY, 12, 11, 1815)
    assert placed(held, later) == [later, name_day]
    renamed = ImportantDate(DateKind.OTHER, 7, 26, None, "Saint's day")
    assert placed(held, renamed, replacing="NAME  day") == [birthday, renamed]
    assert without(held, "Birthday", "Ada") == [name_day]
    with pytest.raises(InvalidInput, match="Ada has no date named 'wedding'; the dates "
                                           "held are: birthday, Name day."):
        without(held, "wedding", "Ada")


def test_what_a_person_calls_a_date_names_its_kind() -> None:
    assert named(" Birthday ") == (DateKind.BIRTHDAY, None)
    assert named("anniversary") == (DateKind.ANNIVERSARY, None)
    assert named("Name  day") == (DateKind.OTHER, "Name day")
    for nothing in ("", "  ", "other"):
        with pytest.raises(InvalidInput, match="say which date"):
            named(nothing)
