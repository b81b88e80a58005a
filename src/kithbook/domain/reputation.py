"""Reputation from outcomes: how a requester's introductions went, and how an
introducer's vouches turned out.

Scores start from a neutral prior worth a few outcomes, so that one good or bad
introduction moves the needle without swinging it; the counts are always shown next to
the score, because "0.62 from 1 outcome" and "0.62 from 40" mean different things.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kithbook.domain.ids import MemberId
from kithbook.domain.introductions import Introduction, IntroState, MoveKind, Rating, Role

PRIOR_MEAN = 0.5
PRIOR_WEIGHT = 4.0  # the prior counts as this many neutral outcomes
_VALUE = {Rating.POSITIVE: 1.0, Rating.NEUTRAL: 0.5, Rating.NEGATIVE: 0.0}


@dataclass(frozen=True)
class Tally:
    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    def add(self, rating: Rating) -> Tally:
        return Tally(self.positive + (rating is Rating.POSITIVE),
                     self.neutral + (rating is Rating.NEUTRAL),
                     self.negative + (rating is Rating.NEGATIVE))

    def score(self, *, prior_mean: float = PRIOR_MEAN,
              prior_weight: float = PRIOR_WEIGHT) -> float:
        """Mean rating (positive 1, neutral ½, negative 0), pulled towards the prior."""
        earned = (self.positive * _VALUE[Rating.POSITIVE] + self.neutral * _VALUE[Rating.NEUTRAL]
                  + self.negative * _VALUE[Rating.NEGATIVE])
        return (earned + prior_weight * prior_mean) / (self.total + prior_weight)

    def words(self) -> str:
        return f"{self.positive} went well, {self.neutral} neutral, {self.negative} badly"


@dataclass(frozen=True)
class Standing:
    """A member's community-wide reputation: trust as seen by the community's real
    members together (`graph.trust.reputation`), with the evidence behind it."""

    score: float  # in [-1, 1]
    raters: int  # members whose named ties to them the real members' trust reaches
    evidence: float  # in average members' worth of reached raters
    seeds: int  # real members it starts from
    unheard: int = 0  # members who rate them whom that trust does not reach

    def words(self) -> str:
        people = "member's" if self.raters == 1 else "members'"
        unheard = (f"; {self.unheard} more from members it does not reach"
                   if self.unheard else "")
        return (f"community reputation {self.score:.2f} from {self.raters} {people} "
                f"vouches (evidence worth {self.evidence:.1f} members, from the "
                f"community's {self.seeds} established members{unheard})")


def real_members(admins: Iterable[MemberId], invited_by: dict[MemberId, MemberId],
                 with_history: Iterable[MemberId]) -> frozenset[MemberId]:
    """The members a community's reputation starts from: its admins, and every member
    invited by one of them (or by such a member, and so on) who has a history here
    (`with_history`: an introduction's outcome, or interactions logged in their book).
    An account nobody real invited, or one with nothing behind it, starts nobody's trust;
    it earns reputation only through the ties real members give it."""
    real = set(admins)
    history = set(with_history)
    grew = True
    while grew:
        grew = False
        for member, inviter in invited_by.items():
            if member not in real and inviter in real and member in history:
                real.add(member)
                grew = True
    return frozenset(real)


@dataclass(frozen=True)
class Reputation:
    """A requester's record: what they asked and how the people they met rated it."""

    requests: int
    made: int
    declined: int
    target_declined: int
    withdrawn: int
    expired: int
    outcomes: Tally  # the targets' ratings
    score: float
    community: Standing | None = None  # in a community, from its real members

    def summary(self) -> str:
        record = self._record()
        if self.community is None:
            return record
        return f"{record[:-1]}; {self.community.words()}."

    def _record(self) -> str:
        if self.requests == 0:
            return f"no introduction requests before; unknown (starts at {PRIOR_MEAN:.2f})."
        asked = (f"{self.requests} request{'s' * (self.requests != 1)}: {self.made} made, "
                 f"{self.declined} declined by the introducer, {self.target_declined} by the "
                 f"target, {self.withdrawn} withdrawn, {self.expired} expired")
        if self.outcomes.total == 0:
            return f"{asked}; no outcomes recorded yet (score {self.score:.2f})."
        return (f"{asked}; targets said {self.outcomes.words()} "
                f"(score {self.score:.2f} from {self.outcomes.total} "
                f"outcome{'s' * (self.outcomes.total != 1)}).")


@dataclass(frozen=True)
class JudgmentRecord:
    """An introducer's record: what they were asked, what they vouched for, how it went."""

    asked: int
    forwarded: int
    declined: int
    made: int  # vouches
    outcomes: Tally  # the targets' ratings of the introductions they vouched for
    recorded_by_self: int  # of those, ratings the introducer entered for off-platform targets
    score: float

    def summary(self) -> str:
        if self.made == 0:
            return (f"asked {self.asked} time{'s' * (self.asked != 1)}, forwarded "
                    f"{self.forwarded}, declined {self.declined}; no introductions made yet.")
        own = (f"; {self.recorded_by_self} of these entered by the introducer"
               if self.recorded_by_self else "")
        return (f"asked {self.asked} times, declined {self.declined}, made {self.made} "
                f"introductions; targets said {self.outcomes.words()}{own} "
                f"(score {self.score:.2f}).")


def _reputation(intros: Iterable[Introduction]) -> Reputation:
    counts = dict.fromkeys(IntroState, 0)
    outcomes = Tally()
    requests = 0
    for intro in intros:
        requests += 1
        counts[intro.state] += 1
        rated = intro.outcomes.get(Role.TARGET)
        if rated is not None:
            outcomes = outcomes.add(rated.rating)
    return Reputation(requests=requests, made=counts[IntroState.MADE],
                      declined=counts[IntroState.DECLINED],
                      target_declined=counts[IntroState.TARGET_DECLINED],
                      withdrawn=counts[IntroState.WITHDRAWN],
                      expired=counts[IntroState.EXPIRED], outcomes=outcomes,
                      score=outcomes.score())


def requester_reputation(intros: Iterable[Introduction], requester: MemberId) -> Reputation:
    """The reputation of a member as a requester, from every introduction given."""
    return _reputation(i for i in intros if i.requester.member == requester)


def outsider_reputation(intros: Iterable[Introduction], email: str) -> Reputation:
    """The same for someone off the platform, known by email (local mode)."""
    wanted = email.strip().lower()
    return _reputation(i for i in intros
                       if not i.requester.on_platform and i.requester.email
                       and i.requester.email.strip().lower() == wanted)


def judgment_record(intros: Iterable[Introduction], introducer: MemberId) -> JudgmentRecord:
    """How an introducer's decisions turned out, from every introduction given."""
    asked = forwarded = declined = made = own = 0
    outcomes = Tally()
    for intro in intros:
        if intro.introducer.member != introducer:
            continue
        asked += 1
        forwarded += _was_forwarded(intro)
        declined += intro.state is IntroState.DECLINED
        if intro.state is IntroState.MADE:
            made += 1
            rated = intro.outcomes.get(Role.TARGET)
            if rated is not None:
                outcomes = outcomes.add(rated.rating)
                # The target's own answer by email is theirs, though kept by the introducer.
                own += rated.recorded_by == introducer and not _from_email(intro, Role.TARGET)
    return JudgmentRecord(asked=asked, forwarded=forwarded, declined=declined, made=made,
                          outcomes=outcomes, recorded_by_self=own, score=outcomes.score())


def _from_email(intro: Introduction, party: Role) -> bool:
    return any(m.kind is MoveKind.OUTCOME and m.by_email and m.on_behalf_of is party
               for m in intro.history)


def _was_forwarded(intro: Introduction) -> bool:
    return any(m.state_after is IntroState.FORWARDED for m in intro.history)
