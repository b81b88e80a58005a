"""Interactions: the dated events a relationship is made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, InteractionId, MemberId


class Kind(StrEnum):
    MET = "met"
    TALKED = "talked"
    KNOWLEDGE_SHARED = "knowledge_shared"
    RESOURCE_SHARED = "resource_shared"
    CONTACT_SHARED = "contact_shared"
    ADVICE = "advice"
    HELP = "help"
    NOTE = "note"
    # Mail exchanged, captured from a mailbox (never typed): direction says who wrote,
    # gave = you wrote, received = they wrote, mutual = both on that day and thread.
    EMAILED = "emailed"


class Direction(StrEnum):
    GAVE = "gave"
    RECEIVED = "received"
    MUTUAL = "mutual"


# Words people type for each kind; the canonical value always works too.
_KIND_WORDS: dict[str, Kind] = {
    "meeting": Kind.MET, "coffee": Kind.MET, "lunch": Kind.MET, "call": Kind.TALKED,
    "talk": Kind.TALKED, "chat": Kind.TALKED, "knowledge": Kind.KNOWLEDGE_SHARED,
    "shared": Kind.KNOWLEDGE_SHARED, "resource": Kind.RESOURCE_SHARED,
    "intro": Kind.CONTACT_SHARED, "introduction": Kind.CONTACT_SHARED,
    "contact": Kind.CONTACT_SHARED, "helped": Kind.HELP,
    "email": Kind.EMAILED, "mail": Kind.EMAILED, "mailed": Kind.EMAILED,
}

# Kinds that carry something of value from one side to the other; a "met", a "note" or
# an email (its direction says only who wrote) has no giver.
GIVING_KINDS = frozenset({Kind.KNOWLEDGE_SHARED, Kind.RESOURCE_SHARED, Kind.CONTACT_SHARED,
                          Kind.ADVICE, Kind.HELP})

MAX_CONTACTS_PER_INTERACTION = 200


def parse_kind(text: str) -> Kind:
    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Kind(word)
    except ValueError:
        pass
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    known = ", ".join(k.value for k in Kind)
    raise InvalidInput(f"unknown interaction kind {text!r}; use one of: {known}.",
                       field="kind")


def parse_direction(text: str) -> Direction:
    word = text.strip().lower()
    aliases = {"give": Direction.GAVE, "gave": Direction.GAVE, "out": Direction.GAVE,
               "received": Direction.RECEIVED, "receive": Direction.RECEIVED,
               "got": Direction.RECEIVED, "in": Direction.RECEIVED,
               "mutual": Direction.MUTUAL, "both": Direction.MUTUAL}
    if word in aliases:
        return aliases[word]
    raise InvalidInput(f"unknown direction {text!r}; use gave, received or mutual.",
                       field="direction")


@dataclass
class Interaction:
    id: InteractionId
    owner: MemberId
    kind: Kind
    direction: Direction
    occurred_on: date
    contact_ids: list[ContactId]
    note: str | None = None
    created_at: datetime | None = None
    version: int = 1
    source: str | None = None  # where an imported event came from, so re-imports skip it

    def __post_init__(self) -> None:
        if not self.contact_ids:
            raise InvalidInput("an interaction needs at least one contact.", field="contacts")
        self.contact_ids = list(dict.fromkeys(self.contact_ids))
        if len(self.contact_ids) > MAX_CONTACTS_PER_INTERACTION:
            raise InvalidInput(
                f"an interaction can involve at most {MAX_CONTACTS_PER_INTERACTION} contacts.",
                field="contacts")
        if self.note is not None:
            self.note = self.note.strip() or None
            if self.note is not None and len(self.note) > 20_000:
                raise InvalidInput("the note is too long; keep it under 20,000 characters.",
                                   field="note")
