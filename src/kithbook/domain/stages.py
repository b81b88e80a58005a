"""Stages of a relationship, and the next step that gives before it asks.

A tie moves new acquaintance → contact → relationship → trusted as evidence builds
up. Each stage is a list of requirements on the logged evidence; a tie is at the
highest stage whose requirements, and those of every stage below, are all met. The
rules are data (`STAGE_RULES`), so they can be read, shown and tested as a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kithbook.domain.evidence import TieEvidence, plural, span_words
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.ties import Stage

STAGES: tuple[Stage, ...] = (Stage.NEW, Stage.CONTACT, Stage.RELATIONSHIP, Stage.TRUSTED)

# Days without contact after which the next step is to reconnect, when no cadence says.
QUIET_DAYS = 90


@dataclass(frozen=True)
class Requirement:
    """One rule of a stage: what it asks for, and what is still missing when it fails."""

    says: str
    met: Callable[[TieEvidence], bool]
    missing: Callable[[TieEvidence], str]


def _exchanges(e: TieEvidence) -> int:
    """Interactions that were more than a note to oneself."""
    return e.interactions - e.count(Kind.NOTE)


def _deep(e: TieEvidence) -> int:
    return e.count(Kind.ADVICE) + e.count(Kind.HELP)


def _known(e: TieEvidence) -> int:
    return e.days_known or 0


def _at_least(n: int, of: Callable[[TieEvidence], int], says: str,
              missing: Callable[[int], str]) -> Requirement:
    return Requirement(says, lambda e: of(e) >= n, lambda e: missing(n - of(e)))


STAGE_RULES: tuple[tuple[Stage, tuple[Requirement, ...]], ...] = (
    (Stage.NEW, ()),
    (Stage.CONTACT, (
        _at_least(2, _exchanges, "in touch at least twice",
                  lambda k: f"{plural(k, 'more interaction')} beyond notes"),
    )),
    (Stage.RELATIONSHIP, (
        _at_least(4, _exchanges, "in touch at least four times",
                  lambda k: f"{plural(k, 'more interaction')} beyond notes"),
        _at_least(1, lambda e: e.given, "you have given something",
                  lambda _: "give something: knowledge, a resource, an introduction, "
                            "advice or help"),
        _at_least(1, lambda e: e.received, "they have given something",
                  lambda _: "let them give back: something received from them"),
        _at_least(90, _known, "known three months or more",
                  lambda k: f"time: {span_words(k)} more"),
    )),
    (Stage.TRUSTED, (
        _at_least(2, _deep, "advice or help exchanged at least twice",
                  lambda k: f"{plural(k, 'more exchange')} of advice or help"),
        _at_least(365, _known, "known a year or more",
                  lambda k: f"time: {span_words(k)} more"),
        _at_least(4, lambda e: e.stated_trust or 0, "you would vouch for them (trust 4 or 5)",
                  lambda _: "your word: set trust to 4 or 5 once you would vouch for them"),
    )),
)


@dataclass(frozen=True)
class StageAssessment:
    stage: Stage
    because: tuple[str, ...]  # requirements met, up to this stage
    next_stage: Stage | None
    missing: tuple[str, ...]  # what the next stage still needs


def assess_stage(e: TieEvidence) -> StageAssessment:
    """The highest stage whose requirements, and all below, are met — and what is next."""
    because: list[str] = []
    reached = Stage.NEW
    for stage, rules in STAGE_RULES:
        failing = [r for r in rules if not r.met(e)]
        if failing:
            return StageAssessment(reached, tuple(because), stage,
                                   tuple(r.missing(e) for r in failing))
        reached = stage
        because.extend(r.says for r in rules)
    return StageAssessment(reached, tuple(because), None, ())


class StepKind(StrEnum):
    SHARE_RESOURCE = "share a resource"
    SHARE_KNOWLEDGE = "share knowledge"
    OFFER_HELP = "offer help"
    INTRODUCE = "introduce them"
    RECONNECT = "reconnect"
    MEET = "meet"
    ASK_ADVICE = "ask for advice"


# Only these steps ask; the rules below suggest them only after you have given more
# than you received.
ASKING_STEPS = frozenset({StepKind.ASK_ADVICE})


@dataclass(frozen=True)
class Person:
    """What the next step may speak of: who they are and what they care about."""

    name: str
    organization: str | None = None
    role: str | None = None
    interests: Sequence[str] = ()  # their tags, in the member's order

    @property
    def topic(self) -> str:
        if self.interests:
            return " or ".join(self.interests[:2])
        if self.role and self.organization:
            return f"their work as {self.role} at {self.organization}"
        if self.role:
            return f"their work as {self.role}"
        if self.organization:
            return f"their work at {self.organization}"
        return "what they are working on"


@dataclass(frozen=True)
class NextStep:
    kind: StepKind
    text: str
    why: str


@dataclass(frozen=True)
class _Situation:
    e: TieEvidence
    who: Person
    stage: Stage
    quiet_after: int  # days

    @property
    def quiet(self) -> bool:
        days = self.e.days_quiet
        return days is not None and days > self.quiet_after

    @property
    def owed(self) -> int:
        """How many more giving interactions came from them than from you."""
        return self.e.received - self.e.given


@dataclass(frozen=True)
class StepRule:
    name: str
    applies: Callable[[_Situation], bool]
    step: Callable[[_Situation], NextStep]


def _at(*stages: Stage) -> Callable[[_Situation], bool]:
    return lambda s: s.stage in stages


# First rule that applies wins. Giving comes first: returning a favour, then keeping
# touch with something useful, then deepening; asking only once you have given more.
STEP_RULES: tuple[StepRule, ...] = (
    StepRule("return the favour", lambda s: s.owed >= 2, lambda s: NextStep(
        StepKind.OFFER_HELP,
        f"Return the favour: ask {s.who.name} what they are working on and offer help.",
        f"they gave {plural(s.e.received, 'time')}, you gave {s.e.given}")),
    StepRule("reconnect", lambda s: s.quiet and s.stage is not Stage.NEW, lambda s: NextStep(
        StepKind.RECONNECT,
        f"Reconnect: send {s.who.name} something on {s.who.topic} with a short note.",
        f"no contact for {span_words(s.e.days_quiet or 0)}")),
    StepRule("follow up while fresh", _at(Stage.NEW), lambda s: NextStep(
        StepKind.SHARE_RESOURCE,
        f"Follow up with something useful to {s.who.name}: an article, a tool or an event "
        f"on {s.who.topic}.",
        "a new acquaintance grows when you follow up with something useful")),
    StepRule("give first", lambda s: s.stage is Stage.CONTACT and s.e.given == 0,
             lambda s: NextStep(
                 StepKind.OFFER_HELP,
                 f"Offer help: share what you know about {s.who.topic}, or ask where "
                 f"{s.who.name} is stuck.",
                 "you have not given anything yet")),
    StepRule("meet", lambda s: s.stage is Stage.CONTACT and s.e.count(Kind.MET) < 2,
             lambda s: NextStep(
                 StepKind.MEET,
                 f"Suggest a coffee or a call to hear what {s.who.name} is working on.",
                 f"met {plural(s.e.count(Kind.MET), 'time')} so far")),
    StepRule("introduce", lambda s: s.stage in (Stage.RELATIONSHIP, Stage.TRUSTED)
             and s.e.count(Kind.CONTACT_SHARED, Direction.GAVE)
             + s.e.count(Kind.CONTACT_SHARED, Direction.MUTUAL) == 0,
             lambda s: NextStep(
                 StepKind.INTRODUCE,
                 f"Introduce {s.who.name} to someone useful to them, someone who knows "
                 f"{s.who.topic}.",
                 "you have never introduced them to anyone")),
    StepRule("ask, having given", lambda s: s.stage in (Stage.RELATIONSHIP, Stage.TRUSTED)
             and s.e.given >= s.e.received + 2,
             lambda s: NextStep(
                 StepKind.ASK_ADVICE,
                 f"You have given more than you received: it is fine to ask {s.who.name} "
                 "for advice on something you are working on.",
                 f"you gave {plural(s.e.given, 'time')}, they gave {s.e.received}")),
    StepRule("share knowledge", lambda s: True, lambda s: NextStep(
        StepKind.SHARE_KNOWLEDGE,
        f"Share something you learned about {s.who.topic} with {s.who.name}.",
        "relationships stay alive by sharing")),
)


def next_step(e: TieEvidence, who: Person, *, stage: Stage | None = None,
              cadence_days: int | None = None) -> NextStep:
    """The one next step for this tie; it gives before it asks."""
    situation = _Situation(e, who, stage or assess_stage(e).stage, cadence_days or QUIET_DAYS)
    for rule in STEP_RULES:
        if rule.applies(situation):
            return rule.step(situation)
    raise AssertionError("the last step rule always applies")
