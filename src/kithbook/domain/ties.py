"""A tie: one member's relationship to one contact, and the rules for sharing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, MemberId


class Visibility(StrEnum):
    """Who can see this tie in warm-path search."""

    HIDDEN = "hidden"
    ANONYMOUS = "anonymous"  # shown as "a contact at Acme"
    NAMED = "named"


class AskRule(StrEnum):
    """Who may ask for an introduction to this contact."""

    NOBODY = "nobody"
    TRUSTED = "trusted"  # members I trust at level >= ask_min_trust
    ANYONE = "anyone"  # anyone may ask; I still decide


class Stage(StrEnum):
    NEW = "new acquaintance"
    CONTACT = "contact"
    RELATIONSHIP = "relationship"
    TRUSTED = "trusted"


class StageKey(StrEnum):
    """A stage by its short name: what lists filter by and storage keeps."""

    NEW = "new"
    CONTACT = "contact"
    RELATIONSHIP = "relationship"
    TRUSTED = "trusted"

    @property
    def stage(self) -> Stage:
        return Stage[self.name]

    @classmethod
    def of(cls, stage: Stage) -> StageKey:
        return cls[stage.name]


# Past a new acquaintance the member knows the person: in touch at least twice. Nobody
# needs an introduction to them, so warm paths list them first instead of routing to them.
KNOWN_STAGES = frozenset({Stage.CONTACT, Stage.RELATIONSHIP, Stage.TRUSTED})

MIN_TRUST = 1
MAX_TRUST = 5
MAX_CADENCE_DAYS = 3650


def check_trust(value: int | None, *, field_name: str = "trust") -> int | None:
    if value is None:
        return None
    if not MIN_TRUST <= value <= MAX_TRUST:
        raise InvalidInput(
            f"{field_name} must be a whole number from {MIN_TRUST} (barely) to {MAX_TRUST} "
            f"(I would vouch for them without hesitation); got {value}.", field=field_name)
    return value


def check_cadence(days: int | None) -> int | None:
    if days is None:
        return None
    if not 1 <= days <= MAX_CADENCE_DAYS:
        raise InvalidInput(
            f"keep-in-touch cadence must be between 1 and {MAX_CADENCE_DAYS} days; got {days}.",
            field="cadence")
    return days


@dataclass
class SharingPolicy:
    """How a tie may be used by others; member-wide defaults fill what a tie leaves unset."""

    visibility: Visibility = Visibility.HIDDEN
    ask_rule: AskRule = AskRule.NOBODY
    ask_min_trust: int | None = None
    no_introductions: bool = False
    welcomes: str | None = None  # "happy to talk to early-stage founders about hiring"

    def __post_init__(self) -> None:
        self.ask_min_trust = check_trust(self.ask_min_trust, field_name="ask_min_trust")
        if self.ask_rule is AskRule.TRUSTED and self.ask_min_trust is None:
            raise InvalidInput("asking rule 'trusted' needs a minimum trust level from 1 to 5.",
                               field="ask_min_trust")


@dataclass
class Tie:
    owner: MemberId
    contact: ContactId
    stated_trust: int | None = None
    cadence_days: int | None = None
    started_on: date | None = None
    strength_override: float | None = None
    override_at: datetime | None = None
    policy: SharingPolicy | None = None  # None: the member's defaults apply
    version: int = 1
    # Derived from the interactions and kept by storage; never written through a tie.
    last_interaction_on: date | None = None
    interaction_count: int = 0

    def __post_init__(self) -> None:
        self.stated_trust = check_trust(self.stated_trust)
        self.cadence_days = check_cadence(self.cadence_days)
        if self.strength_override is not None and not 0.0 <= self.strength_override <= 1.0:
            raise InvalidInput("a corrected strength must lie between 0 and 1.",
                               field="strength")
