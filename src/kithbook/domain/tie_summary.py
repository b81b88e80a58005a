"""A tie as the lists see it: who, what they care about, and the evidence.

The keep-in-touch list, the weekly digest and the health report read every tie of a
book through `TieReading`: a `TieSummary` (the whole evidence, from the strength
computation) or a `TieFacts` (the few numbers stored with each tie's strength, so that
a report need not read every interaction of the book).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol

from kithbook.domain.evidence import TieEvidence, days_known, days_quiet
from kithbook.domain.ids import ContactId
from kithbook.domain.stages import Person
from kithbook.domain.ties import Stage


@dataclass(frozen=True)
class TieSummary:
    contact: ContactId
    name: str
    evidence: TieEvidence
    stage: Stage
    organization: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()  # tags and groups, lower-case
    cadence_days: int | None = None  # the contact's own keep-in-touch cadence
    reminder_done: date | None = None  # last time a keep-in-touch reminder was ticked off

    @property
    def strength(self) -> float:
        return self.evidence.strength

    @property
    def last_contact(self) -> date | None:
        return self.evidence.last_contact

    @property
    def person(self) -> Person:
        return Person(self.name, self.organization, self.role, self.tags)

    @property
    def given(self) -> int:
        return self.evidence.given

    @property
    def received(self) -> int:
        return self.evidence.received

    @property
    def known_since(self) -> date | None:
        return self.evidence.known_since

    @property
    def days_known(self) -> int | None:
        return self.evidence.days_known

    @property
    def days_quiet(self) -> int | None:
        return self.evidence.days_quiet


class TieFacts(NamedTuple):
    """What the reports need of a tie, as of `as_of`: its stored strength and stage, and
    the evidence numbers computed with them. A named tuple: a report makes one per tie
    of the book, and a frozen dataclass costs six times as much to build."""

    contact: ContactId
    name: str
    as_of: date
    strength: float
    stage: Stage
    given: int
    received: int
    known_since: date | None
    last_contact: date | None
    organization: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()  # at least every tag that has a cadence, lower-case
    cadence_days: int | None = None
    reminder_done: date | None = None

    @property
    def days_known(self) -> int | None:
        return days_known(self.as_of, self.known_since)

    @property
    def days_quiet(self) -> int | None:
        return days_quiet(self.as_of, self.last_contact, self.known_since)


class TieReading(Protocol):
    """A tie as the reports read it: `TieSummary` and `TieFacts` both answer."""

    @property
    def contact(self) -> ContactId: ...
    @property
    def name(self) -> str: ...
    @property
    def strength(self) -> float: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def given(self) -> int: ...
    @property
    def received(self) -> int: ...
    @property
    def known_since(self) -> date | None: ...
    @property
    def last_contact(self) -> date | None: ...
    @property
    def days_known(self) -> int | None: ...
    @property
    def days_quiet(self) -> int | None: ...
    @property
    def organization(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def cadence_days(self) -> int | None: ...
    @property
    def reminder_done(self) -> date | None: ...


@dataclass(frozen=True)
class Screen:
    """Which ties a report could name: those with a keep-in-touch cadence (their own, or a
    tag's), and those that meet one of the conditions given here (None: not that one).

    A report's rules decide; a screen only has to let through every tie they could
    pick, so that storage can test it on the stored facts and a report of a large book
    reads a part of it. `admits` is the same test in Python."""

    owed: int | None = None  # received at least this many more times than given
    fresh_stages: frozenset[Stage] = frozenset()  # … and known at most `fresh_days`
    fresh_days: int = 0
    quiet_stages: frozenset[Stage] = frozenset()  # … and quiet over `quiet_days`
    quiet_days: int = 0

    def admits(self, tie: TieReading, cadence_tags: Collection[str]) -> bool:
        known, quiet = tie.days_known, tie.days_quiet
        return (tie.cadence_days is not None
                or any(tag in cadence_tags for tag in tie.tags)
                or (self.owed is not None and tie.received - tie.given >= self.owed)
                or (tie.stage in self.fresh_stages and known is not None
                    and known <= self.fresh_days)
                or (tie.stage in self.quiet_stages and quiet is not None
                    and quiet > self.quiet_days))
