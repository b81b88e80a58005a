"""A tie as the lists see it: who, what they care about, and the evidence.

Services fill one row per tie from storage and the strength computation; the
keep-in-touch list, the weekly digest and the health report all read these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kithbook.domain.evidence import TieEvidence
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
