"""The records an introduction is made of (states, parties, moves, outcomes), and the
readings of it that each party is given (`IntroView`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, IntroId, MemberId

MAX_NAME = 200


class IntroState(StrEnum):
    REQUESTED = "requested"
    DECLINED = "declined"
    FORWARDED = "forwarded"
    TARGET_DECLINED = "target_declined"
    MADE = "made"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


OPEN_STATES = frozenset({IntroState.REQUESTED, IntroState.FORWARDED})


class Role(StrEnum):
    REQUESTER = "requester"
    INTRODUCER = "introducer"
    TARGET = "target"


class MoveKind(StrEnum):
    REQUEST = "request"
    FORWARD = "forward"
    DECLINE = "decline"  # the introducer says no
    ACCEPT = "accept"  # the target says yes: the introduction is made
    TARGET_DECLINE = "target_decline"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"
    OUTCOME = "outcome"


class Rating(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


def parse_rating(text: str) -> Rating:
    word = text.strip().lower()
    aliases = {"good": Rating.POSITIVE, "+": Rating.POSITIVE, "ok": Rating.NEUTRAL,
               "meh": Rating.NEUTRAL, "bad": Rating.NEGATIVE, "-": Rating.NEGATIVE}
    try:
        return Rating(word)
    except ValueError:
        pass
    if word in aliases:
        return aliases[word]
    raise InvalidInput(f"unknown outcome {text!r}; use positive, neutral or negative.",
                       field="rating")


@dataclass(frozen=True)
class Party:
    """Someone in an introduction: a member, or a person who is not on Kithbook.

    `contact` points into the keeping member's book (for an off-platform target, the
    introducer's contact); `member` is set only for an account.
    """

    name: str
    member: MemberId | None = None
    contact: ContactId | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        name = " ".join(self.name.split())
        if not name:
            raise InvalidInput("every party to an introduction needs a name.", field="name")
        if len(name) > MAX_NAME:
            raise InvalidInput(f"a name must stay under {MAX_NAME} characters.", field="name")
        object.__setattr__(self, "name", name)

    @property
    def on_platform(self) -> bool:
        return self.member is not None


@dataclass(frozen=True)
class Move:
    """One step in the history. `actor` is None only for the system's expiry."""

    kind: MoveKind
    actor: MemberId | None
    at: datetime
    state_after: IntroState
    note: str | None = None
    on_behalf_of: Role | None = None  # set when a member recorded an off-platform party's move
    by_email: bool = False  # the party answered through a consent link (domain/consent.py)


@dataclass(frozen=True)
class PrivateReason:
    """Why someone declined, kept apart from the history so that views cannot leak it.

    `readers` are fixed when the reason is written: its author and the introducer.
    """

    move_index: int
    author: MemberId
    text: str
    readers: frozenset[MemberId]


@dataclass(frozen=True)
class Outcome:
    party: Role
    rating: Rating
    at: datetime
    recorded_by: MemberId
    comment: str | None = None  # private to whoever wrote it


@dataclass(frozen=True)
class MoveView:
    kind: MoveKind
    at: datetime
    by: str
    state_after: IntroState
    note: str | None
    on_behalf_of: str | None  # "recorded by Ana Ruiz for Bo Chen"
    by_email: bool = False  # "answered by email"


@dataclass(frozen=True)
class ReasonView:
    move_index: int  # index into the view's history
    text: str


@dataclass(frozen=True)
class OutcomeView:
    party: Role
    rating: Rating
    at: datetime
    comment: str | None


@dataclass(frozen=True)
class IntroView:
    """One party's reading of an introduction; faces render this, never the entity."""

    id: IntroId
    viewer: Role
    state: IntroState
    purpose: str
    requester: str
    introducer: str
    target: str
    created_at: datetime
    deadline: datetime | None
    history: tuple[MoveView, ...]
    private_reasons: tuple[ReasonView, ...]
    outcomes: tuple[OutcomeView, ...]
    version: int
    # What the viewer may do now (deadline aside: a late move is still refused, saying so).
    open_moves: tuple[MoveKind, ...] = ()
    outcome_parties: tuple[Role, ...] = ()  # whose outcome the viewer may still record
