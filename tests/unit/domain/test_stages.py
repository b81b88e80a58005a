from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from kithbook.domain.evidence import TieEvidence
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.stages import (
    ASKING_STEPS,
    STAGE_RULES,
    STAGES,
    Person,
    StepKind,
    assess_stage,
    next_step,
)
from kithbook.domain.ties import Stage

History = Callable[..., TieEvidence]
Event = tuple[int, Kind, Direction]

MET, TALKED, NOTE = Kind.MET, Kind.TALKED, Kind.NOTE
ADVICE, HELP, KNOWLEDGE = Kind.ADVICE, Kind.HELP, Kind.KNOWLEDGE_SHARED
RESOURCE, CONTACT = Kind.RESOURCE_SHARED, Kind.CONTACT_SHARED
GAVE, RECEIVED, MUTUAL = Direction.GAVE, Direction.RECEIVED, Direction.MUTUAL

# Realistic histories, as (days ago, kind, direction).
CONFERENCE_CARD: list[Event] = [(3, MET, MUTUAL), (3, NOTE, GAVE)]
COFFEE_TWICE: list[Event] = [(60, MET, MUTUAL), (20, MET, MUTUAL), (20, NOTE, GAVE)]
HELPED_ONCE_THEN_CALLS: list[Event] = [(150, MET, MUTUAL), (120, ADVICE, GAVE),
                                       (90, TALKED, MUTUAL), (30, RESOURCE, RECEIVED),
                                       (10, TALKED, MUTUAL)]
OLD_COLLEAGUE: list[Event] = [(700, MET, MUTUAL), (500, HELP, GAVE), (400, ADVICE, RECEIVED),
                              (200, MET, MUTUAL), (100, ADVICE, GAVE), (40, TALKED, MUTUAL)]
MENTOR: list[Event] = [(900, MET, MUTUAL), (800, ADVICE, RECEIVED), (700, ADVICE, RECEIVED),
                       (600, HELP, RECEIVED), (500, MET, MUTUAL), (300, KNOWLEDGE, GAVE),
                       (20, TALKED, MUTUAL)]
ONE_WAY_FAN: list[Event] = [(300, MET, MUTUAL), (250, ADVICE, GAVE), (200, HELP, GAVE),
                            (100, RESOURCE, GAVE), (10, TALKED, MUTUAL)]


@pytest.mark.parametrize(("events", "trust", "known_days", "stage", "missing"), [
    ([], None, None, Stage.NEW, ["2 more interactions beyond notes"]),
    (CONFERENCE_CARD, None, None, Stage.NEW, ["1 more interaction beyond notes"]),
    (COFFEE_TWICE, None, None, Stage.CONTACT,
     ["2 more interactions beyond notes",
      "give something: knowledge, a resource, an introduction, advice or help",
      "let them give back: something received from them",
      "time: 4 weeks more"]),
    (ONE_WAY_FAN, 3, None, Stage.CONTACT,
     ["let them give back: something received from them"]),
    (HELPED_ONCE_THEN_CALLS, 5, None, Stage.RELATIONSHIP,
     ["1 more exchange of advice or help", "time: 7 months more"]),
    (OLD_COLLEAGUE, None, None, Stage.RELATIONSHIP,
     ["your word: set trust to 4 or 5 once you would vouch for them"]),
    (OLD_COLLEAGUE, 3, None, Stage.RELATIONSHIP,
     ["your word: set trust to 4 or 5 once you would vouch for them"]),
    (OLD_COLLEAGUE, 4, None, Stage.TRUSTED, []),
    (MENTOR, 5, None, Stage.TRUSTED, []),
    # Taking without ever giving back stays a contact, however long and warm.
    ([e for e in MENTOR if e[2] is not GAVE], 5, None, Stage.CONTACT,
     ["give something: knowledge, a resource, an introduction, advice or help"]),
    # An old friend entered with trust 5 but nothing logged is not trusted on our word.
    ([], 5, 3650, Stage.NEW, ["2 more interactions beyond notes"]),
])
def test_stage_follows_the_evidence(history: History, events: Sequence[Event],
                                    trust: int | None, known_days: int | None, stage: Stage,
                                    missing: list[str]) -> None:
    assessment = assess_stage(history(events, trust=trust, known_days=known_days))
    assert assessment.stage is stage
    assert list(assessment.missing) == missing
    expected_next = STAGES[STAGES.index(stage) + 1] if stage is not Stage.TRUSTED else None
    assert assessment.next_stage is expected_next


def test_trusted_tie_is_told_why(history: History) -> None:
    because = assess_stage(history(MENTOR, trust=5)).because
    assert "you would vouch for them (trust 4 or 5)" in because
    assert "they have given something" in because
    assert len(because) == sum(len(rules) for _, rules in STAGE_RULES)


def test_stages_are_listed_in_order() -> None:
    assert tuple(stage for stage, _ in STAGE_RULES) == STAGES


ANA = Person("Ana", organization="Acme", role="CTO", interests=["climate tech", "hiring"])


@pytest.mark.parametrize(("events", "trust", "cadence", "kind", "phrase"), [
    (CONFERENCE_CARD, None, None, StepKind.SHARE_RESOURCE, "on climate tech or hiring"),
    (COFFEE_TWICE, None, None, StepKind.OFFER_HELP, "Offer help"),
    ([(60, MET, MUTUAL), (20, TALKED, MUTUAL), (15, KNOWLEDGE, GAVE)], None, None,
     StepKind.MEET, "coffee or a call"),
    (MENTOR, 5, None, StepKind.OFFER_HELP, "Return the favour"),
    (OLD_COLLEAGUE, 4, None, StepKind.INTRODUCE, "someone useful to them"),
    (OLD_COLLEAGUE, 4, 30, StepKind.RECONNECT, "no contact"),
    (HELPED_ONCE_THEN_CALLS, 5, None, StepKind.INTRODUCE, "Introduce Ana"),
    (ONE_WAY_FAN + [(5, HELP, RECEIVED), (4, CONTACT, GAVE)], 4, None,
     StepKind.ASK_ADVICE, "fine to ask Ana"),
    ([(400, MET, MUTUAL), (380, TALKED, MUTUAL)], None, None, StepKind.RECONNECT,
     "Reconnect"),
])
def test_next_step_fits_the_history(history: History, events: Sequence[Event],
                                    trust: int | None, cadence: int | None, kind: StepKind,
                                    phrase: str) -> None:
    step = next_step(history(events, trust=trust), ANA, cadence_days=cadence)
    assert step.kind is kind
    assert phrase in step.text + " " + step.why


@pytest.mark.parametrize("events", [
    [], CONFERENCE_CARD, COFFEE_TWICE, HELPED_ONCE_THEN_CALLS, OLD_COLLEAGUE, MENTOR,
    ONE_WAY_FAN, [(10, HELP, RECEIVED), (9, ADVICE, RECEIVED), (8, MET, MUTUAL)],
])
def test_next_step_never_asks_before_giving_more(history: History,
                                                 events: Sequence[Event]) -> None:
    e = history(events, trust=5)
    step = next_step(e, ANA)
    if step.kind in ASKING_STEPS:
        assert e.given > e.received


def test_topic_falls_back_to_their_work(history: History) -> None:
    e = history(CONFERENCE_CARD)
    assert "their work as CTO at Acme" in next_step(e, Person("Bo", "Acme", "CTO")).text
    assert "what they are working on" in next_step(e, Person("Cy")).text
