"""The depth rules restated in SQL, for the reports and the strength engine's reads.

Each statement here says in SQL what a Python rule says of one tie, so the database
answers for a whole book at once; the docstring of each names the rule it mirrors
(`graph.strength.day_number`, `domain.health.is_dormant` and `tally_ties`,
`Screen.admits`, the stage names of `domain.ties`). `tests/integration/test_report_facts.py`
ties them: on SQLite and PostgreSQL, after every kind of write, the reports read from
these statements must equal what reading every tie's whole history in Python says.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, cast, func, literal, or_, select
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from kithbook.domain.health import DORMANT_DAYS, LONG_TERM_DAYS, LONG_TERM_STAGES, STRENGTH_BINS
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.tie_summary import Screen
from kithbook.domain.ties import Stage, StageKey
from kithbook.storage.tables import contact_tags, contacts, interaction_contacts, interactions, ties

# Day numbers are `graph.strength.day_number`: the date's ordinal, 0001-01-01 being 1,
# so every date the book accepts has a positive one (-1 is left to mean "none").
# julianday('0001-01-01') is 1721425.5 on SQLite: the day number is julianday minus
# this, exactly. On PostgreSQL it is the days after the day before 0001-01-01.
_JULIAN_DAY_ZERO = 1721424.5
_FIRST_DAY = date.min


def code_of(column: Any, values: tuple[str, ...]) -> ColumnElement[int]:
    return case({value: i for i, value in enumerate(values)}, value=column, else_=-1)


def day_number(dialect: str, day: Any) -> ColumnElement[int]:
    """A date column as its day number (NULL stays NULL)."""
    if dialect == "sqlite":
        return cast(func.julianday(day) - _JULIAN_DAY_ZERO, Integer)
    # PostgreSQL: date minus date is a whole number of days.
    return cast(day - literal(_FIRST_DAY), Integer) + 1


@functools.cache
def logged(dialect: str) -> Select[tuple[str, int, int, int]]:
    """Interactions as (contact, kind code, direction code, day) rows, to be filtered:
    built once per database kind, since a contact's page asks for one tie's at a time."""
    link = interaction_contacts.c.interaction_id == interactions.c.id
    return (select(interaction_contacts.c.contact_id,
                   code_of(interactions.c.kind, tuple(k.value for k in Kind)),
                   code_of(interactions.c.direction, tuple(d.value for d in Direction)),
                   day_number(dialect, interactions.c.occurred_on))
            .select_from(interaction_contacts.join(interactions, link)))


@functools.cache
def logged_by(dialect: str, key: str) -> Select[tuple[str, int, int, int]]:
    """`logged` for one owner's book (`key` "owner") or one contact ("contact")."""
    if key == "owner":
        return logged(dialect).where(interactions.c.owner_id == bindparam("owner"))
    return logged(dialect).where(interaction_contacts.c.contact_id == bindparam("contact"))


# The reports' reads (see `SqlDepth.facts` and `logged_summary`).
@functools.cache
def facts(dialect: str) -> Select[Any]:
    """Each tie's stored facts, with its days as day numbers (cheaper to read than dates)."""
    return (select(ties.c.contact_id, contacts.c.name, contacts.c.organization,
                   contacts.c.role, ties.c.strength, ties.c.stage,
                   *(day_number(dialect, column) for column in (
                       ties.c.strength_on, ties.c.facts_on)),
                   ties.c.gave_count, ties.c.received_count,
                   *(day_number(dialect, column) for column in (
                       ties.c.known_since, ties.c.last_contact)),
                   ties.c.cadence_days)
            .select_from(ties.join(contacts, contacts.c.id == ties.c.contact_id))
            .where(ties.c.owner_id == bindparam("owner")).order_by(ties.c.contact_id))
# A tie whose facts cannot be read (`SqlDepth._read_facts` tests the same): cleared by a
# change, or stored by a version before facts.
NO_FACTS = or_(ties.c.facts_on.is_(None), ties.c.strength_on.is_(None),
                ties.c.stage.is_(None), ties.c.facts_on != ties.c.strength_on)


@functools.cache
def screened(dialect: str, screen: Screen, tags: bool) -> Select[Any]:
    """`facts` of the ties `screen` admits (`Screen.admits` in SQL, over `tags`, the
    cadence tags, when there are any), and of those without facts to test."""
    def day(column: Any) -> ColumnElement[int]:
        return day_number(dialect, column)

    def stages(among: frozenset[Stage]) -> list[str]:
        return sorted(stage_key(stage) for stage in among)

    as_of = day(ties.c.facts_on)
    admitted: list[ColumnElement[bool]] = [NO_FACTS, ties.c.cadence_days.is_not(None)]
    if tags:
        admitted.append(ties.c.contact_id.in_(
            select(contact_tags.c.contact_id)
            .where(contact_tags.c.tag.in_(bindparam("tags", expanding=True)))))
    if screen.owed is not None:
        admitted.append(ties.c.received_count - ties.c.gave_count >= screen.owed)
    if screen.fresh_stages:
        admitted.append(and_(ties.c.stage.in_(stages(screen.fresh_stages)),
                             day(ties.c.known_since) + screen.fresh_days >= as_of))
    if screen.quiet_stages:
        admitted.append(and_(ties.c.stage.in_(stages(screen.quiet_stages)),
                             quiet_since(dialect) + screen.quiet_days < as_of))
    return facts(dialect).where(or_(*admitted))


def quiet_since(dialect: str) -> ColumnElement[int]:
    """The day `days_quiet` counts from: the last contact, else the day first known."""
    return day_number(dialect, func.coalesce(ties.c.last_contact, ties.c.known_since))


def is_dormant(dialect: str) -> ColumnElement[bool]:
    """`domain.health.is_dormant` of a tie's stored facts."""
    since = quiet_since(dialect)
    return and_(since.is_not(None),
                since + DORMANT_DAYS < day_number(dialect, ties.c.facts_on))


@functools.cache
def counts(dialect: str) -> Select[int, int, int, int]:
    """The book's ties; those without facts to count (the report then reads them all);
    the dormant ones; and the long-term ones (`domain.health.tally_ties`)."""
    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    long_term = and_(ties.c.stage.in_(sorted(stage_key(s) for s in LONG_TERM_STAGES)),
                     day_number(dialect, ties.c.known_since) + LONG_TERM_DAYS
                     <= day_number(dialect, ties.c.facts_on))
    return select(func.count(), count(NO_FACTS), count(is_dormant(dialect)),
                  count(long_term)).where(ties.c.owner_id == bindparam("owner"))


@functools.cache
def bins(dialect: str) -> Select[int, int]:
    """Ties by `int(strength * STRENGTH_BINS)`: SQLite's cast truncates, PostgreSQL's
    rounds, so there it takes the floor first (strengths are never negative)."""
    scaled = ties.c.strength * STRENGTH_BINS
    number = (cast(scaled, Integer) if dialect == "sqlite"
              else cast(func.floor(scaled), Integer))
    return (select(number, func.count()).where(ties.c.owner_id == bindparam("owner"))
            .group_by(number))


@functools.cache
def dormant(dialect: str) -> Select[Any]:
    return facts(dialect).where(is_dormant(dialect))


def stage_key(stage: Stage) -> str:
    """How a stage is stored: its short name ("new", "contact", …)."""
    return StageKey.of(stage).value


def stage_from_key(key: str | None) -> Stage | None:
    return StageKey(key).stage if key else None
