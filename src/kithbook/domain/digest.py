"""The weekly digest: the few relationships that most deserve your time this week.

Each candidate tie gets its most pressing reason (overdue, a favour to return, a new
acquaintance to follow up, a valuable tie gone quiet) and the next step for it; the
digest takes the best within a time budget and an item cap, one item per person.
The same `Digest` feeds the CLI, the web page and, later, the email.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import Upcoming
from kithbook.domain.keep_in_touch import touch_state
from kithbook.domain.stages import QUIET_DAYS, NextStep, StepKind, next_step
from kithbook.domain.tie_summary import Screen, TieReading, TieSummary
from kithbook.domain.ties import Stage

# What each kind of step costs, in minutes, as a member would budget it.
STEP_MINUTES: Mapping[StepKind, int] = {
    StepKind.RECONNECT: 10,
    StepKind.SHARE_RESOURCE: 15,
    StepKind.SHARE_KNOWLEDGE: 15,
    StepKind.ASK_ADVICE: 15,
    StepKind.INTRODUCE: 20,
    StepKind.OFFER_HELP: 30,
    StepKind.MEET: 60,
}

FRESH_DAYS = 21  # a new acquaintance is worth following up within three weeks
OWED = 2  # received this many more times than given: time to give back
QUIET_STAGES = frozenset({Stage.RELATIONSHIP, Stage.TRUSTED})

# Every tie `_urgency` could find a reason for passes (tests/unit/domain/test_digest.py).
SCREEN = Screen(owed=OWED, fresh_stages=frozenset({Stage.NEW}), fresh_days=FRESH_DAYS,
                quiet_stages=QUIET_STAGES, quiet_days=QUIET_DAYS)


@dataclass(frozen=True)
class Budget:
    minutes: int = 120
    items: int = 10

    def __post_init__(self) -> None:
        if self.minutes < 1:
            raise InvalidInput("the digest needs a time budget of at least 1 minute.",
                               field="minutes")
        if self.items < 1:
            raise InvalidInput("the digest needs room for at least 1 item.", field="items")


@dataclass(frozen=True)
class DigestItem:
    contact: ContactId
    name: str
    reason: str
    step: NextStep
    minutes: int
    score: float


@dataclass(frozen=True)
class Digest:
    week_of: date
    budget: Budget
    items: tuple[DigestItem, ...]
    candidates: int  # ties that had a reason this week
    dates: tuple[Upcoming, ...] = ()  # birthdays and other dates in the coming week

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)

    @property
    def left_out(self) -> int:
        return self.candidates - len(self.items)


def _urgency(tie: TieReading, tag_cadences: Mapping[str, int],
             today: date) -> tuple[float, str, int | None] | None:
    """The most pressing reason to spend time on this tie, with its weight in (0, 1]."""
    reasons: list[tuple[float, str]] = []
    state = touch_state(tie, tag_cadences, today)
    cadence = state.cadence.days if state else None
    if state is not None and state.overdue_days > 0:
        reasons.append((min(1.0, 0.5 + 0.5 * state.rounds_overdue / 3), state.reason))
    owed = tie.received - tie.given
    if owed >= OWED:
        reasons.append((0.8, f"they gave {owed} more times than you did"))
    known = tie.days_known
    if tie.stage is Stage.NEW and known is not None and known <= FRESH_DAYS:
        reasons.append((0.9, f"met {known} days ago: follow up while it is fresh"))
    quiet = tie.days_quiet
    if (state is None and tie.stage in QUIET_STAGES
            and quiet is not None and quiet > QUIET_DAYS):
        reasons.append((0.6, f"a {tie.stage.value} gone quiet for {quiet} days"))
    if not reasons:
        return None
    weight, reason = max(reasons)
    return weight, reason, cadence


def weekly_digest(ties: Sequence[TieReading], tag_cadences: Mapping[str, int], today: date,
                  budget: Budget | None = None, *,
                  explained: Callable[[list[TieReading]], list[TieSummary]] | None = None
                  ) -> Digest:
    """The ties most worth your time this week, within the budget, one item per person.

    A next step needs a tie's whole evidence: `explained` gives it for the ties asked, in
    their order (without it, `ties` must be `TieSummary`s). It is asked only for the
    ties the budget reaches, best first, so that a book's stored facts can pick them."""
    budget = budget or Budget()
    pressing: list[tuple[float, str, int | None, TieReading]] = []
    for tie in ties:
        found = _urgency(tie, tag_cadences, today)
        if found is not None:
            urgency, reason, cadence = found
            # A weak tie can still surface when pressing; a strong one surfaces sooner.
            pressing.append((urgency * (0.3 + 0.7 * tie.strength), reason, cadence, tie))
    pressing.sort(key=lambda p: -p[0])

    chosen: list[DigestItem] = []
    seen: set[ContactId] = set()
    left = budget.minutes
    cheapest = min(STEP_MINUTES.values())
    start = 0
    while start < len(pressing) and len(chosen) < budget.items and left >= cheapest:
        # Items of one score go by their minutes, so each such run gets its steps at once.
        end = start + 1
        while end < len(pressing) and pressing[end][0] == pressing[start][0]:
            end += 1
        run = pressing[start:end]
        start = end
        full = (explained([p[3] for p in run]) if explained is not None
                else [_summary(p[3]) for p in run])
        items = []
        for (score, reason, cadence, _), tie in zip(run, full, strict=True):
            step = next_step(tie.evidence, tie.person, stage=tie.stage, cadence_days=cadence)
            items.append(DigestItem(tie.contact, tie.name, reason, step,
                                    STEP_MINUTES[step.kind], score))
        items.sort(key=lambda c: (c.minutes, c.name, c.contact))
        for item in items:
            if len(chosen) == budget.items:
                break
            if item.contact in seen or item.minutes > left:
                continue  # a smaller step further down may still fit
            chosen.append(item)
            seen.add(item.contact)
            left -= item.minutes
    people = len({p[3].contact for p in pressing})
    return Digest(today, budget, tuple(chosen), people)


def _summary(tie: TieReading) -> TieSummary:
    if not isinstance(tie, TieSummary):
        raise TypeError("weekly_digest needs `explained` for ties without their evidence.")
    return tie


def digest_text(digest: Digest) -> str:
    """The digest as plain text: the same words for the terminal and for email."""
    coming = [f"{n}. {u.text(digest.week_of)}." for n, u in enumerate(digest.dates, 1)]
    if coming:
        coming.insert(0, "Coming up this week:")
    if not digest.items:
        return "\n".join([f"Week of {digest.week_of.isoformat()}: nothing pressing. A good "
                          "week to share something with someone you have not thought of "
                          "lately.", *coming])
    lines = [f"Week of {digest.week_of.isoformat()}: {len(digest.items)} of "
             f"{digest.candidates} people who deserve your time, {digest.minutes} of "
             f"{digest.budget.minutes} minutes."]
    for n, item in enumerate(digest.items, start=1):
        lines.append(f"{n}. {item.name} ({item.minutes} min) — {item.reason}.")
        lines.append(f"   Next: {item.step.text}")
    if digest.left_out:
        lines.append(f"{digest.left_out} more did not fit this week's budget.")
    return "\n".join([*lines, *coming])
