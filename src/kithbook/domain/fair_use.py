"""Fair use of other people's goodwill: a cap on open requests, and a pause after a no.

Both are pure checks over the requester's introductions, given `now`; they raise
`NotAllowed` with a message that says when asking becomes possible again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kithbook.domain.errors import InvalidInput, NotAllowed
from kithbook.domain.ids import MemberId
from kithbook.domain.introductions import OPEN_STATES, Introduction, IntroState, MoveKind

DEFAULT_MAX_OPEN = 5
DEFAULT_COOLDOWN = timedelta(days=30)


@dataclass(frozen=True)
class FairUseLimits:
    max_open_requests: int = DEFAULT_MAX_OPEN
    cooldown_after_decline: timedelta = DEFAULT_COOLDOWN

    def __post_init__(self) -> None:
        if not 1 <= self.max_open_requests <= 1000:
            raise InvalidInput("the open-request cap must be between 1 and 1000.",
                               field="max_open_requests")
        if self.cooldown_after_decline < timedelta(0):
            raise InvalidInput("the pause after a decline cannot be negative.",
                               field="cooldown_after_decline")


def open_requests(intros: Iterable[Introduction], requester: MemberId,
                  now: datetime) -> list[Introduction]:
    """The requester's requests still waiting for an answer at `now` (expired ones, even
    if not yet closed by the system, no longer count)."""
    return [i for i in intros
            if i.requester.member == requester and i.state in OPEN_STATES
            and (i.deadline is None or now < i.deadline)]


def check_open_requests(intros: Iterable[Introduction], requester: MemberId, now: datetime,
                        limits: FairUseLimits = FairUseLimits()) -> None:
    waiting = open_requests(intros, requester, now)
    if len(waiting) >= limits.max_open_requests:
        raise NotAllowed(
            f"you already have {len(waiting)} open introduction requests, the most allowed "
            f"at once ({limits.max_open_requests}); wait for answers or withdraw one "
            "(`kithbook intro list`) before asking again.")


def last_decline_by(intros: Iterable[Introduction], requester: MemberId,
                    introducer: MemberId) -> datetime | None:
    """When `introducer` last said no to `requester` (their own decline, not a target's)."""
    times = [m.at for i in intros
             if i.requester.member == requester and i.introducer.member == introducer
             and i.state is IntroState.DECLINED
             for m in i.history if m.kind is MoveKind.DECLINE]
    return max(times, default=None)


def check_cooldown(intros: Iterable[Introduction], requester: MemberId,
                   introducer: MemberId, introducer_name: str, now: datetime,
                   limits: FairUseLimits = FairUseLimits()) -> None:
    declined_at = last_decline_by(intros, requester, introducer)
    if declined_at is None:
        return
    again = declined_at + limits.cooldown_after_decline
    if now < again:
        raise NotAllowed(
            f"{introducer_name} declined your request on {declined_at:%Y-%m-%d}; you can ask "
            f"them again from {again:%Y-%m-%d}. Until then, ask someone else or build the "
            "relationship first.")


def check_new_request(intros: Iterable[Introduction], requester: MemberId,
                      introducer: MemberId, introducer_name: str, now: datetime,
                      limits: FairUseLimits = FairUseLimits()) -> None:
    """Both checks, in the order a person can act on: the cap first, then the pause."""
    history = list(intros)
    check_open_requests(history, requester, now, limits)
    check_cooldown(history, requester, introducer, introducer_name, now, limits)
