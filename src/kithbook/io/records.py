"""What the importers yield: one record per contact or calendar occurrence, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from kithbook.domain.contacts import ContactFields
from kithbook.domain.important_dates import ImportantDate

SHOWN_WARNINGS = 1_000  # warnings a report keeps word for word; the count covers them all


@dataclass(frozen=True)
class ImportWarning:
    """Something a file held that could not be read as it was, and what was done instead."""

    where: str  # "contacts.vcf, card 3 (Ada Lovelace) at line 12"
    message: str  # "the phone '9' is kept as written, not normalized; …"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class Warnings:
    """Collects the warnings of one file as it is read; keeps the first ones, counts all."""

    def __init__(self, keep: int = SHOWN_WARNINGS) -> None:
        self.count = 0
        self.shown: list[ImportWarning] = []
        self._keep = keep

    def add(self, where: str, message: str) -> None:
        self.count += 1
        if len(self.shown) < self._keep:
            self.shown.append(ImportWarning(where, message))

    def at(self, where: str) -> Callable[[str], None]:
        """A function that warns about one record, so readers need not repeat `where`."""
        return lambda message: self.add(where, message)


@dataclass(frozen=True)
class Photo:
    """A picture carried by a vCard, as it declares itself (the service checks it)."""

    data: bytes
    media_type: str  # "image/jpeg"


@dataclass
class ImportedContact:
    """A contact as a file describes it, with where it was found for error messages."""

    fields: ContactFields
    where: str  # "line 12" or "card 3 (Ada Lovelace)"
    started_on: date | None = None  # when the relationship began (LinkedIn: connected on)
    photo: Photo | None = None
    photo_left_out: bool = False  # it had one that could not be read (with a warning)
    dates: list[ImportantDate] = field(default_factory=list)  # birthday, anniversary, …


@dataclass(frozen=True)
class Attendee:
    email: str  # normalized
    name: str | None = None
    declined: bool = False  # PARTSTAT=DECLINED: they said they would not come


@dataclass(frozen=True)
class ImportedEvent:
    """One occurrence of a calendar event; recurring events yield one per occurrence."""

    uid: str
    occurrence: str | None  # the RECURRENCE-ID of this occurrence, None for a single event
    occurred_on: date  # local date of the start, in the event's own time zone
    summary: str | None
    where: str  # "event 4 (Weekly sync)"
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)

    @property
    def source(self) -> str:
        """A stable key for this occurrence, so importing the same calendar twice adds nothing."""
        return f"ics:{self.uid}" + (f"@{self.occurrence}" if self.occurrence else "")
