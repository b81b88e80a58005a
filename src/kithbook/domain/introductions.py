"""Introductions: a double opt-in state machine where only the right party makes each move.

    requested ──forward──▶ forwarded ──accept──▶ made ──outcome (per party)
        │                     │
        ├─decline─▶ declined  └─decline─▶ target_declined
        ├─withdraw─▶ withdrawn (also from forwarded)
        └─expire──▶ expired   (also from forwarded, once the deadline has passed)

Each party is a member, or a person off the platform. A move that belongs to an
off-platform party is recorded by the member who keeps that side of the exchange, and
the history says so: "recorded by Ana Ruiz for Bo Chen" (see `keeper_of`). In local
mode this covers a request that reached the member by email (the requester is
off-platform) and the introductions the member asked others for (the introducer is
off-platform).

What each party may read is decided here, in `view_for`, so that no face has to remember
that a private decline reason or another party's outcome comment must not reach the
requester.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kithbook.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from kithbook.domain.ids import IntroId, MemberId
from kithbook.domain.intro_records import (
    MAX_NAME,
    OPEN_STATES,
    IntroState,
    IntroView,
    Move,
    MoveKind,
    MoveView,
    Outcome,
    OutcomeView,
    Party,
    PrivateReason,
    Rating,
    ReasonView,
    Role,
    parse_rating,
)

__all__ = [
    "DEFAULT_EXPIRY", "OPEN_STATES", "Introduction", "IntroState", "IntroView", "Move",
    "MoveKind", "MoveView", "Outcome", "OutcomeView", "Party", "PrivateReason", "Rating",
    "ReasonView", "Role", "is_due_to_expire", "parse_rating",
]

MAX_PURPOSE = 2_000
MAX_NOTE = 2_000
DEFAULT_EXPIRY = timedelta(days=30)
MIN_EXPIRY = timedelta(days=1)
MAX_EXPIRY = timedelta(days=365)


@dataclass(frozen=True)
class _Rule:
    party: Role
    sources: frozenset[IntroState]
    result: IntroState
    verb: str


_RULES: dict[MoveKind, _Rule] = {
    MoveKind.FORWARD: _Rule(Role.INTRODUCER, frozenset({IntroState.REQUESTED}),
                            IntroState.FORWARDED, "forward"),
    MoveKind.DECLINE: _Rule(Role.INTRODUCER, frozenset({IntroState.REQUESTED}),
                            IntroState.DECLINED, "decline"),
    MoveKind.ACCEPT: _Rule(Role.TARGET, frozenset({IntroState.FORWARDED}),
                           IntroState.MADE, "accept"),
    MoveKind.TARGET_DECLINE: _Rule(Role.TARGET, frozenset({IntroState.FORWARDED}),
                                   IntroState.TARGET_DECLINED, "decline"),
    MoveKind.WITHDRAW: _Rule(Role.REQUESTER, OPEN_STATES, IntroState.WITHDRAWN, "withdraw"),
}

_STATE_WORDS: dict[IntroState, str] = {
    IntroState.REQUESTED: "waiting for the introducer",
    IntroState.FORWARDED: "forwarded and waiting for the target",
    IntroState.DECLINED: "declined by the introducer",
    IntroState.TARGET_DECLINED: "declined by the target",
    IntroState.MADE: "already made",
    IntroState.WITHDRAWN: "withdrawn by the requester",
    IntroState.EXPIRED: "expired",
}


def _clean(text: str | None, *, field_name: str, limit: int) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    if len(text) > limit:
        raise InvalidInput(f"the {field_name} is {len(text):,} characters long; keep it under "
                           f"{limit:,}.", field=field_name)
    return text


def _check_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("times of introduction moves must carry a time zone (use UTC).",
                           field="at")


@dataclass
class Introduction:
    id: IntroId
    requester: Party
    introducer: Party
    target: Party
    purpose: str
    created_at: datetime
    target_label: str | None = None  # what the requester was shown, e.g. "a contact at Acme"
    expires_after: timedelta = DEFAULT_EXPIRY
    state: IntroState = IntroState.REQUESTED
    history: list[Move] = field(default_factory=list)
    private_reasons: list[PrivateReason] = field(default_factory=list)
    outcomes: dict[Role, Outcome] = field(default_factory=dict)
    version: int = 1

    def __post_init__(self) -> None:
        purpose = _clean(self.purpose, field_name="purpose", limit=MAX_PURPOSE)
        if purpose is None:
            raise InvalidInput("say what the introduction is for: the purpose cannot be empty.",
                               field="purpose")
        self.purpose = purpose
        self.target_label = _clean(self.target_label, field_name="target label",
                                   limit=MAX_NAME)
        _check_aware(self.created_at)
        if not MIN_EXPIRY <= self.expires_after <= MAX_EXPIRY:
            raise InvalidInput("requests must expire after 1 to 365 days.", field="expires_after")
        if not (self.requester.on_platform or self.introducer.on_platform):
            raise InvalidInput("the requester or the introducer must be a member: someone has "
                               "to keep this introduction.", field="introducer")
        members = [p.member for p in (self.requester, self.introducer, self.target) if p.member]
        if len(members) != len(set(members)):
            raise InvalidInput("requester, introducer and target must be three different "
                               "people.", field="target")

    # ---- creating --------------------------------------------------------------------

    @classmethod
    def request(cls, *, id: IntroId, requester: Party, introducer: Party, target: Party,
                purpose: str, by: MemberId, at: datetime, note: str | None = None,
                target_label: str | None = None,
                expires_after: timedelta = DEFAULT_EXPIRY) -> Introduction:
        """A new request, made by the requester or recorded by the introducer who got it."""
        intro = cls(id=id, requester=requester, introducer=introducer, target=target,
                    purpose=purpose, created_at=at, target_label=target_label,
                    expires_after=expires_after)
        on_behalf = intro._check_party(by, Role.REQUESTER, "request")
        intro.history.append(Move(MoveKind.REQUEST, by, at, IntroState.REQUESTED,
                                  _clean(note, field_name="note", limit=MAX_NOTE), on_behalf))
        return intro

    # ---- the moves -------------------------------------------------------------------

    def forward(self, *, by: MemberId, at: datetime, note: str | None = None,
                expected_version: int | None = None) -> None:
        """The introducer agrees and asks the target."""
        self._apply(MoveKind.FORWARD, by, at, note, None, expected_version)

    def decline(self, *, by: MemberId, at: datetime, note: str | None = None,
                private_reason: str | None = None,
                expected_version: int | None = None, by_email: bool = False) -> None:
        """Say no: the introducer while requested, the target (or whoever records for an
        off-platform target) once forwarded. `private_reason` never reaches the requester.

        `by_email`: the target answered through a consent link, and `by` is who keeps
        their side (`actor_for`): the same move, under the same rules, marked so."""
        self._check_visible(by)
        kind = (MoveKind.TARGET_DECLINE if self.state is IntroState.FORWARDED
                else MoveKind.DECLINE)
        self._apply(kind, by, at, note, private_reason, expected_version, by_email)

    def accept(self, *, by: MemberId, at: datetime, note: str | None = None,
               expected_version: int | None = None, by_email: bool = False,
               private_reason: str | None = None) -> None:
        """The target says yes; the introduction is made. `private_reason`: a word for
        the introducer alone (a target's note by email), never read by the requester."""
        self._apply(MoveKind.ACCEPT, by, at, note, private_reason, expected_version,
                    by_email)

    def make(self, *, by: MemberId, at: datetime, note: str | None = None,
             expected_version: int | None = None) -> None:
        """The introducer's word for recording an off-platform target's yes: the
        introduction is made. The same move as `accept`, under the same rule: for a target
        who is a member, only they can say yes."""
        self.accept(by=by, at=at, note=note, expected_version=expected_version)

    def withdraw(self, *, by: MemberId, at: datetime, note: str | None = None,
                 expected_version: int | None = None) -> None:
        self._apply(MoveKind.WITHDRAW, by, at, note, None, expected_version)

    def expire(self, *, at: datetime, expected_version: int | None = None) -> None:
        """The system closes a request nobody answered in time."""
        _check_aware(at)
        self._check_version(expected_version)
        if self.state not in OPEN_STATES:
            raise NotAllowed(f"cannot expire this request: it is {_STATE_WORDS[self.state]}.")
        deadline = self.deadline
        assert deadline is not None
        if at < deadline:
            raise NotAllowed(f"this request is not due to expire until "
                             f"{deadline:%Y-%m-%d %H:%M} UTC.")
        self._record(Move(MoveKind.EXPIRE, None, at, IntroState.EXPIRED))

    def record_outcome(self, *, by: MemberId, rating: Rating, at: datetime,
                       comment: str | None = None, party: Role | None = None,
                       expected_version: int | None = None, by_email: bool = False) -> None:
        """How it went, once per party (requester, target), after the introduction was made.

        `party` is needed only when `by` keeps the exchange for both off-platform parties."""
        self._check_visible(by)
        _check_aware(at)
        self._check_version(expected_version)
        comment = _clean(comment, field_name="comment", limit=MAX_NOTE)
        candidates: list[Role] = [r for r in (Role.REQUESTER, Role.TARGET)
                                  if self.actor_for(r) == by]
        role: Role
        if party is not None:
            if party is Role.INTRODUCER:
                raise NotAllowed("outcomes are recorded by the requester and the target; the "
                                 "introducer's record comes from theirs.")
            self._check_party(by, party, "record an outcome for")
            role = party
        elif len(candidates) == 1:
            role = candidates[0]
        elif candidates:
            raise InvalidInput("you keep this introduction for both sides; say whose outcome "
                               "this is: requester or target.", field="party")
        else:
            raise NotAllowed(
                f"only the requester, {self.requester.name}, and the target, "
                f"{self.target.name}, can record how this introduction went.")
        if self.state is not IntroState.MADE:
            raise NotAllowed(f"cannot record an outcome yet: this request is "
                             f"{_STATE_WORDS[self.state]}; outcomes follow a made introduction.")
        if role in self.outcomes:
            done = self.outcomes[role]
            raise NotAllowed(f"the {role}'s outcome was already recorded on "
                             f"{done.at:%Y-%m-%d}; it is kept as first given.")
        on_behalf = None if self._party(role).on_platform else role
        self.outcomes[role] = Outcome(role, rating, at, by, comment)
        self._record(Move(MoveKind.OUTCOME, by, at, IntroState.MADE, None, on_behalf,
                          by_email))

    # ---- reading ---------------------------------------------------------------------

    @property
    def deadline(self) -> datetime | None:
        """When an open request expires: each waiting party gets the full period."""
        if self.state not in OPEN_STATES:
            return None
        waiting_since = self.history[-1].at if self.history else self.created_at
        return waiting_since + self.expires_after

    def actor_for(self, role: Role) -> MemberId | None:
        """The member who may make `role`'s moves: the party, or who keeps it for them."""
        party = self._party(role)
        if party.on_platform:
            return party.member
        return self._party(self.keeper_of(role)).member

    def role_of(self, member: MemberId) -> Role | None:
        for role in Role:
            if self._party(role).member == member:
                return role
        return None

    def can_see(self, member: MemberId) -> bool:
        """Parties see the request; a member target only once it was forwarded to them."""
        role = self.role_of(member)
        if role is None:
            return False
        if role is Role.TARGET:
            return any(m.kind is MoveKind.FORWARD for m in self.history)
        return True

    def view_for(self, member: MemberId) -> IntroView:
        """Everything `member` may read about this introduction, and nothing more."""
        self._check_visible(member)
        role = self.role_of(member)
        assert role is not None
        forwarded_at = next((i for i, m in enumerate(self.history)
                             if m.kind is MoveKind.FORWARD), len(self.history))
        # The target never learns what happened before the request reached them.
        start = forwarded_at if role is Role.TARGET else 0
        target_name = self._name_seen_by(member, Role.TARGET)
        names = {Role.REQUESTER: self.requester.name, Role.INTRODUCER: self.introducer.name,
                 Role.TARGET: target_name}

        def name_of(actor: MemberId | None) -> str:
            acting = self.role_of(actor) if actor is not None else None
            return names[acting] if acting is not None else "Kithbook"

        moves = tuple(
            MoveView(kind=m.kind, at=m.at, note=m.note, state_after=m.state_after,
                     by=name_of(m.actor),
                     on_behalf_of=names[m.on_behalf_of] if m.on_behalf_of else None,
                     by_email=m.by_email)
            for m in self.history[start:]
        )
        reasons = tuple(ReasonView(r.move_index - start, r.text) for r in self.private_reasons
                        if member in r.readers and r.move_index >= start)
        outcomes = tuple(
            OutcomeView(party=o.party, rating=o.rating, at=o.at,
                        comment=o.comment if o.recorded_by == member else None)
            for o in self.outcomes.values()
            # The introducer learns how their vouch went; the others see their own.
            if role is Role.INTRODUCER or o.recorded_by == member
        )
        return IntroView(id=self.id, viewer=role, state=self.state, purpose=self.purpose,
                         requester=self.requester.name, introducer=self.introducer.name,
                         target=target_name, created_at=self.created_at,
                         deadline=self.deadline, history=moves, private_reasons=reasons,
                         outcomes=outcomes, version=self.version,
                         open_moves=self.open_moves(member),
                         outcome_parties=self.outcome_parties(member))

    def open_moves(self, member: MemberId) -> tuple[MoveKind, ...]:
        """The moves `member` may make in the current state, in the order of `MoveKind`
        (an outcome when there is one left for them to record)."""
        if not self.can_see(member):
            return ()
        moves = [kind for kind, rule in _RULES.items()
                 if self.state in rule.sources and self.actor_for(rule.party) == member]
        if self.outcome_parties(member):
            moves.append(MoveKind.OUTCOME)
        return tuple(moves)

    def outcome_parties(self, member: MemberId) -> tuple[Role, ...]:
        """The parties whose outcome `member` may still record (their own, or the side
        they keep for someone off the platform)."""
        if self.state is not IntroState.MADE or not self.can_see(member):
            return ()
        return tuple(role for role in (Role.REQUESTER, Role.TARGET)
                     if self.actor_for(role) == member and role not in self.outcomes)

    def keeper_of(self, role: Role) -> Role:
        """Who keeps an off-platform party's side of the exchange.

        The requester's side is kept by the introducer who received the ask; the
        introducer's by the requester who asked them; the target's by the introducer who
        knows them, or, when the introducer is off-platform too, by the requester, who
        hears the answer second-hand."""
        if role is Role.REQUESTER:
            return Role.INTRODUCER
        if role is Role.INTRODUCER or not self.introducer.on_platform:
            return Role.REQUESTER
        return Role.INTRODUCER

    # ---- inside ----------------------------------------------------------------------

    def _party(self, role: Role) -> Party:
        if role is Role.REQUESTER:
            return self.requester
        if role is Role.INTRODUCER:
            return self.introducer
        return self.target

    def _check_visible(self, member: MemberId) -> None:
        if not self.can_see(member):
            raise NotFound(f"no introduction request {self.id} that you can see.")

    def _check_version(self, expected: int | None) -> None:
        if expected is not None and expected != self.version:
            raise Conflict(f"this request changed while you were looking at it (you had "
                           f"version {expected}, it is now {self.version}); reload it and "
                           "decide again.")

    def _check_party(self, by: MemberId, role: Role, verb: str) -> Role | None:
        """Refuse anyone but the member entitled to `role`'s move; say who that is.

        Returns the role recorded on behalf of, when the party is off the platform."""
        party = self._party(role)
        entitled = self.actor_for(role)
        if by == entitled:
            return None if party.on_platform else role
        name = self._name_seen_by(by, role)
        if party.on_platform:
            raise NotAllowed(f"only the {role}, {name}, can {verb} this request.")
        keeper = self._party(self.keeper_of(role))
        raise NotAllowed(f"{name} is not on Kithbook, so only {keeper.name}, who keeps "
                         f"this request, can {verb} it for them.")

    def _name_seen_by(self, member: MemberId, role: Role) -> str:
        """A party's name as `member` may read it: until the target says yes, the
        requester knows them only as they were shown ("a contact at Acme")."""
        if (role is Role.TARGET and self.role_of(member) is Role.REQUESTER
                and self.state is not IntroState.MADE and self.target_label):
            return self.target_label
        return self._party(role).name

    def _apply(self, kind: MoveKind, by: MemberId, at: datetime, note: str | None,
               private_reason: str | None, expected_version: int | None,
               by_email: bool = False) -> None:
        rule = _RULES[kind]
        self._check_visible(by)
        _check_aware(at)
        self._check_version(expected_version)
        note = _clean(note, field_name="note", limit=MAX_NOTE)
        reason = _clean(private_reason, field_name="private reason", limit=MAX_NOTE)
        on_behalf = self._check_party(by, rule.party, rule.verb)
        if self.state not in rule.sources:
            since = f" since {self.history[-1].at:%Y-%m-%d}" if self.history else ""
            raise NotAllowed(f"cannot {rule.verb} this request: it is "
                             f"{_STATE_WORDS[self.state]}{since}.")
        deadline = self.deadline
        if deadline is not None and at >= deadline:
            raise NotAllowed(f"cannot {rule.verb} this request: it expired on "
                             f"{deadline:%Y-%m-%d}; the requester may ask again.")
        if reason is not None:  # a decline's reason, or a note for the introducer
            readers = {by}
            if self.introducer.member is not None:
                readers.add(self.introducer.member)
            self.private_reasons.append(
                PrivateReason(len(self.history), by, reason, frozenset(readers)))
        self._record(Move(kind, by, at, rule.result, note, on_behalf, by_email))

    def _record(self, move: Move) -> None:
        self.history.append(move)
        self.state = move.state_after
        self.version += 1


def is_due_to_expire(intro: Introduction, now: datetime) -> bool:
    """True when an open request has waited longer than its expiry period at `now`."""
    deadline = intro.deadline
    return deadline is not None and now >= deadline
