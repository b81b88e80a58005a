"""What the importers yield: one record per contact or calendar occurrence, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kithbook.domain.contacts import ContactFields


@dataclass(frozen=True)
class Photo:
    """A picture carried by a vCard, kept only when the member asks for it."""

    data: bytes
    media_type: str  # "image/jpeg"


@dataclass
class ImportedContact:
    """A contact as a file describes it, with where it was found for error messages."""

    fields: ContactFields
    where: str  # "line 12" or "card 3 (Ada Lovelace)"
    started_on: date | None = None  # when the relationship began (LinkedIn: connected on)
    photo: Photo | None = None


@dataclass(frozen=True)
class Attendee:
    email: str  # normalized
    name: str | None = None


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
