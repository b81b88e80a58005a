"""The networking health report, as data: how the book looks, and what the habits say.

Networking is sharing knowledge, resources and contacts, giving and receiving advice
and help, and long-term relationships; it is not selling, asking for a job or for
money, or transactions. The reflection holds the member's own log up to that, with
numbers and examples from what was logged, never a score.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from kithbook.domain.evidence import plural, times
from kithbook.domain.interactions import GIVING_KINDS, Direction, Kind
from kithbook.domain.tie_summary import TieReading
from kithbook.domain.ties import Stage


class Logged(Protocol):
    """What the report reads of an interaction (an `Interaction` will do)."""

    @property
    def kind(self) -> Kind: ...

    @property
    def direction(self) -> Direction: ...

    @property
    def occurred_on(self) -> date: ...

    @property
    def note(self) -> str | None: ...


DORMANT_DAYS = 180
LONG_TERM_DAYS = 365  # known this long, and a relationship or trusted: a long-term tie
LONG_TERM_STAGES = frozenset({Stage.RELATIONSHIP, Stage.TRUSTED})
DORMANT_SHOWN = 50  # the strongest dormant ties a report names; it counts them all
MONTHS_SHOWN = 12
STRENGTH_BINS = 10

# Words in notes that read like the things networking is not.
_NOT_NETWORKING: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "demo" alone is not: "a demo of the difference engine" is something shown to you.
    ("selling", re.compile(r"\b(sell\w*|sold|pitch\w*|pricing|price|quote|discount|upsell\w*"
                           r"|purchase\w*|close the deal|deal|(?:product|sales) demo"
                           r"|demo(?:ed|ing)? (?:of )?(?:our|my))\b", re.I)),
    ("asking for a job", re.compile(r"\b(job|jobs|hire me|opening|cv|resume|résumé"
                                    r"|refer me|referral)\b", re.I)),
    ("asking for money", re.compile(r"\b(loan|lend|borrow\w*|money|invest in us|donat\w*"
                                    r"|pay me|fund me|cash)\b", re.I)),
)


def note_flags(note: str | None) -> int:
    """Which of `_NOT_NETWORKING` a note reads like, as bits in that order (0: none).
    Stored with each interaction so that a report finds them without reading every note;
    changing the words above needs a migration that sets the stored flags again."""
    if not note:
        return 0
    return sum(1 << i for i, (_, pattern) in enumerate(_NOT_NETWORKING) if pattern.search(note))


@dataclass(frozen=True)
class LoggedSummary:
    """What the report reads of the log, up to its day: interactions by kind and
    direction, by month, and the notes that read like something networking is not (per
    label, newest first)."""

    counts: Mapping[tuple[Kind, Direction], int]
    by_month: Mapping[str, int]
    flagged: Mapping[str, Sequence[str]]


def summarize_logged(interactions: Iterable[Logged], today: date) -> LoggedSummary:
    """`LoggedSummary` of these interactions (those after `today` have not happened)."""
    counts: Counter[tuple[Kind, Direction]] = Counter()
    per_month: Counter[str] = Counter()
    noted: list[tuple[date, str]] = []
    for interaction in interactions:
        if interaction.occurred_on > today:
            continue
        counts[interaction.kind, interaction.direction] += 1
        per_month[_month(interaction.occurred_on)] += 1
        if interaction.note:
            noted.append((interaction.occurred_on, interaction.note))
    noted.sort(key=lambda n: n[0], reverse=True)  # stable: same-day notes keep their order
    return LoggedSummary(counts, per_month, flagged_notes(n for _, n in noted))


def flagged_notes(notes: Iterable[str]) -> dict[str, list[str]]:
    """The notes under each label they read like, in the order given."""
    flagged: dict[str, list[str]] = {label: [] for label, _ in _NOT_NETWORKING}
    for note in notes:
        flags = note_flags(note)
        for i, (label, _) in enumerate(_NOT_NETWORKING):
            if flags & (1 << i):
                flagged[label].append(note)
    return flagged


@dataclass(frozen=True)
class Balance:
    """Giving interactions by kind; mutual ones count on both sides."""

    gave: dict[Kind, int]
    received: dict[Kind, int]

    @property
    def total_gave(self) -> int:
        return sum(self.gave.values())

    @property
    def total_received(self) -> int:
        return sum(self.received.values())

    @property
    def share_given(self) -> float | None:
        total = self.total_gave + self.total_received
        return None if total == 0 else self.total_gave / total


@dataclass(frozen=True)
class Diversity:
    """How spread the ties are over one attribute (organization or role)."""

    distinct: int
    unknown: int  # ties without a value
    shannon: float  # entropy in nats; 0 when everyone is in one place
    evenness: float  # shannon / ln(distinct), 1 when perfectly even, 0 when one value
    simpson: float  # chance two ties picked at random differ
    largest: tuple[str, float] | None  # the most common value and its share


@dataclass(frozen=True)
class Observation:
    theme: str  # giving, sharing, long-term, breadth, not transactions
    text: str
    healthy: bool | None  # None: neither good nor bad, just so


@dataclass(frozen=True)
class HealthReport:
    as_of: date
    ties: int
    interactions: int
    balance: Balance
    stages: dict[Stage, int]
    strength_bins: tuple[int, ...]  # counts over [0, 0.1), [0.1, 0.2) ... [0.9, 1]
    dormant: tuple[TieReading, ...]  # the strongest `DORMANT_SHOWN`, strongest first
    dormant_count: int
    organizations: Diversity
    roles: Diversity
    new_ties_by_month: dict[str, int]  # "2026-05" -> ties begun that month
    interactions_by_month: dict[str, int]
    reflection: tuple[Observation, ...]


def diversity(values: Iterable[str | None]) -> Diversity:
    """Shannon and Simpson diversity over the known values (case-insensitive)."""
    counted: Counter[str] = Counter()
    unknown = 0
    for value in values:
        if value and value.strip():
            counted[value.strip()] += 1
        else:
            unknown += 1
    return diversity_of(counted.items(), unknown)


def diversity_of(counted: Iterable[tuple[str, int]], unknown: int) -> Diversity:
    """`diversity` from each spelling and how many ties have it, in the order the
    spellings first appear, and the number of ties without a value."""
    counts: Counter[str] = Counter()
    display: dict[str, str] = {}
    for value, n in counted:
        key = value.casefold()
        counts[key] += n
        display.setdefault(key, value)  # first spelling wins
    total = sum(counts.values())
    if total == 0:
        return Diversity(0, unknown, 0.0, 0.0, 0.0, None)
    shares = [n / total for n in counts.values()]
    shannon = -sum(p * math.log(p) for p in shares)
    evenness = shannon / math.log(len(counts)) if len(counts) > 1 else 0.0
    simpson = 1.0 - sum(p * p for p in shares)
    top, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return Diversity(len(counts), unknown, shannon, evenness, simpson,
                     (display[top], n / total))


@dataclass(frozen=True)
class TieTallies:
    """What the report counts of a book's ties (`tally_ties`): storage can count the same
    in the database, and a large book's ties need not come out one by one."""

    ties: int
    stages: Mapping[Stage, int]
    strength_bins: tuple[int, ...]
    started: Mapping[str, int]  # the `MONTHS_SHOWN` months to today: ties first known then
    long_term: int
    dormant: tuple[TieReading, ...]  # the strongest `DORMANT_SHOWN`, strongest first
    dormant_count: int
    organizations: Diversity
    roles: Diversity


def strength_bin(strength: float) -> int:
    return min(int(strength * STRENGTH_BINS), STRENGTH_BINS - 1)


def is_dormant(tie: TieReading) -> bool:
    """Quiet for over `DORMANT_DAYS` since the last contact or the stated start. A tie with
    neither (someone just added, nothing logged) has not gone quiet: it has not begun."""
    quiet = tie.days_quiet
    return quiet is not None and quiet > DORMANT_DAYS


def strongest_first(ties: Iterable[TieReading], count: int) -> list[TieReading]:
    return heapq.nsmallest(count, ties, key=lambda t: (-t.strength, t.name, t.contact))


def tally_ties(ties: Sequence[TieReading], today: date) -> TieTallies:
    stages = dict.fromkeys(Stage, 0)
    bins = [0] * STRENGTH_BINS
    started: Counter[str] = Counter()
    for tie in ties:
        stages[tie.stage] += 1
        bins[strength_bin(tie.strength)] += 1
        if tie.known_since is not None:
            started[_month(tie.known_since)] += 1
    dormant = [t for t in ties if is_dormant(t)]
    return TieTallies(
        ties=len(ties), stages=stages, strength_bins=tuple(bins),
        started={m: started[m] for m in last_months(today, MONTHS_SHOWN)},
        long_term=sum(1 for t in ties if (t.days_known or 0) >= LONG_TERM_DAYS
                      and t.stage in LONG_TERM_STAGES),
        dormant=tuple(strongest_first(dormant, DORMANT_SHOWN)), dormant_count=len(dormant),
        organizations=diversity(t.organization for t in ties),
        roles=diversity(t.role for t in ties))


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(today: date, count: int) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def health_report(ties: Sequence[TieReading] | TieTallies,
                  logged: LoggedSummary | Iterable[Logged], today: date) -> HealthReport:
    tallies = ties if isinstance(ties, TieTallies) else tally_ties(ties, today)
    if not isinstance(logged, LoggedSummary):
        logged = summarize_logged(logged, today)
    gave: Counter[Kind] = Counter()
    received: Counter[Kind] = Counter()
    kinds: Counter[Kind] = Counter()
    for (kind, direction), n in logged.counts.items():
        kinds[kind] += n
        if kind in GIVING_KINDS:
            if direction is not Direction.RECEIVED:
                gave[kind] += n
            if direction is not Direction.GAVE:
                received[kind] += n

    balance = Balance({k: gave[k] for k in Kind if k in GIVING_KINDS},
                      {k: received[k] for k in Kind if k in GIVING_KINDS})
    report = HealthReport(
        as_of=today, ties=tallies.ties, interactions=sum(logged.counts.values()),
        balance=balance, stages=dict(tallies.stages), strength_bins=tallies.strength_bins,
        dormant=tallies.dormant, dormant_count=tallies.dormant_count,
        organizations=tallies.organizations, roles=tallies.roles,
        new_ties_by_month=dict(tallies.started),
        interactions_by_month={m: logged.by_month.get(m, 0)
                               for m in last_months(today, MONTHS_SHOWN)},
        reflection=(),
    )
    return _with_reflection(report, tallies.long_term, kinds, logged.flagged)


def _with_reflection(report: HealthReport, long_term: int, kinds: Counter[Kind],
                     flagged: Mapping[str, Sequence[str]]) -> HealthReport:
    found = (_on_giving(report.balance), _on_sharing(report, kinds),
             _on_long_term(report, long_term), _on_breadth(report.organizations))
    observations = [o for o in found if o is not None]
    observations.extend(_on_transactions(report, flagged))
    return replace(report, reflection=tuple(observations))


def _on_giving(b: Balance) -> Observation:
    share = b.share_given
    if share is None:
        return Observation(
            "giving", "Nothing given or received is logged yet: log the advice, help, "
            "knowledge, resources and introductions that pass between you and others.", None)
    said = (f"You gave {times(b.total_gave) if b.total_gave else 'nothing'} and received "
            f"{times(b.total_received) if b.total_received else 'nothing'} "
            f"({share:.0%} given).")
    if share < 0.4:
        return Observation("giving", said + " You take more than you give: "
                           "look for a way to help before your next ask.", False)
    top = max(b.gave.items(), key=lambda kv: (kv[1], kv[0].value))
    return Observation(
        "giving", said + f" Most of what you give is {top[0].value.replace('_', ' ')}.", True)


def _on_sharing(report: HealthReport, kinds: Counter[Kind]) -> Observation | None:
    if not report.interactions:
        return None
    sharing = sum(n for k, n in kinds.items() if k in GIVING_KINDS)
    part = sharing / report.interactions
    text = (f"{sharing} of your {plural(report.interactions, 'interaction')} "
            f"({part:.0%}) shared something: knowledge, resources, contacts, advice or help.")
    if part < 0.25:
        return Observation(
            "sharing", text + " The rest were meetings, talks and notes; networking "
            "grows through what you share.", False)
    return Observation("sharing", text, True)


def _on_long_term(report: HealthReport, long_term: int) -> Observation | None:
    if not report.ties:
        return None
    dormant = report.dormant_count
    return Observation(
        "long-term",
        f"{long_term} of your {plural(report.ties, 'tie')} are relationships of a year "
        f"or more; {dormant} have been quiet for over {DORMANT_DAYS} days.",
        long_term > 0 and dormant <= report.ties // 2)


def _on_breadth(org: Diversity) -> Observation | None:
    if org.largest is None:
        return None
    if org.distinct > 1:
        name, part = org.largest
        return Observation(
            "breadth",
            f"Your ties span {org.distinct} organizations: two picked at random work at "
            f"different ones {org.simpson:.0%} of the time; the largest, {name}, holds "
            f"{part:.0%}.",
            part <= 0.5)
    return Observation(
        "breadth", f"All your ties with an organization are at {org.largest[0]}: "
        "people elsewhere see what your circle cannot.", False)


def _on_transactions(report: HealthReport,
                     flagged: Mapping[str, Sequence[str]]) -> list[Observation]:
    observations: list[Observation] = []
    for label, notes in flagged.items():
        if notes:
            example = notes[0] if len(notes[0]) <= 80 else notes[0][:77] + "…"
            observations.append(Observation(
                "not transactions",
                f"{plural(len(notes), 'note')} read like {label} (e.g. \"{example}\"). "
                "Networking is not a transaction: give first, and let asks come from a "
                "relationship.", False))
    if not any(flagged.values()) and report.interactions:
        observations.append(Observation(
            "not transactions", "None of your notes read like selling, asking for a job or "
                                "asking for money.", True))
    return observations
