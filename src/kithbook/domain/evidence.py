"""The evidence behind a tie's strength, and how to say it in plain words.

"met 3 times, gave advice twice, received help once, last contact 12 days ago,
known 14 months" — every score a member sees comes with a sentence like this, made
from the same numbers that produced the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kithbook.domain.interactions import GIVING_KINDS, Direction, Kind


@dataclass(frozen=True)
class TieEvidence:
    """What is known about one tie as of a day (filled by `graph.strength`)."""

    as_of: date
    strength: float
    computed: float
    counts: dict[tuple[Kind, Direction], int] = field(default_factory=dict)
    first_contact: date | None = None
    last_contact: date | None = None
    known_since: date | None = None  # the earlier of the stated start and the first contact
    stated_trust: int | None = None
    recency: float = 0.0
    depth: float = 0.0
    reciprocity: float = 0.0
    duration: float = 0.0
    trust: float = 0.0
    # Weights of recency, depth, reciprocity, duration and trust in the score.
    weights: tuple[float, float, float, float, float] = (0.15, 0.35, 0.15, 0.15, 0.20)
    correction: float | None = None
    corrected_on: date | None = None
    since_correction: int = 0
    correction_weight: float = 0.0
    # Of the meetings counted, how many were captured from the member's calendars.
    met_from_calendar: int = 0

    def count(self, kind: Kind | None = None, direction: Direction | None = None) -> int:
        """Interactions of that kind and direction (None: any)."""
        return sum(n for (k, d), n in self.counts.items()
                   if (kind is None or k is kind) and (direction is None or d is direction))

    @property
    def interactions(self) -> int:
        return self.count()

    @property
    def given(self) -> int:
        """Giving interactions from the member to the contact (mutual counts both ways)."""
        return sum(n for (k, d), n in self.counts.items()
                   if k in GIVING_KINDS and d is not Direction.RECEIVED)

    @property
    def received(self) -> int:
        return sum(n for (k, d), n in self.counts.items()
                   if k in GIVING_KINDS and d is not Direction.GAVE)

    @property
    def days_quiet(self) -> int | None:
        return days_quiet(self.as_of, self.last_contact, self.known_since)

    @property
    def days_known(self) -> int | None:
        return days_known(self.as_of, self.known_since)


def days_quiet(as_of: date, last_contact: date | None, known_since: date | None) -> int | None:
    """Days since the last contact, or since the stated start when nothing was logged."""
    anchor = last_contact or known_since
    return None if anchor is None else (as_of - anchor).days


def days_known(as_of: date, known_since: date | None) -> int | None:
    return None if known_since is None else (as_of - known_since).days


# How each (kind, direction) reads; meetings, talks, notes and emails have no giver (an
# email's direction says only who wrote, so "emailed" counts them all).
_UNDIRECTED = {Kind.MET: "met", Kind.TALKED: "talked", Kind.NOTE: "noted",
               Kind.EMAILED: "emailed"}
_DIRECTED: dict[Kind, tuple[str, str, str]] = {
    Kind.ADVICE: ("gave advice", "received advice", "exchanged advice"),
    Kind.HELP: ("gave help", "received help", "helped each other"),
    Kind.KNOWLEDGE_SHARED: ("shared knowledge", "learned from them", "swapped knowledge"),
    Kind.RESOURCE_SHARED: ("shared a resource", "received a resource", "swapped resources"),
    Kind.CONTACT_SHARED: ("introduced them to someone", "were introduced by them",
                          "swapped contacts"),
}
_ORDER = (Kind.EMAILED, Kind.MET, Kind.TALKED, Kind.ADVICE, Kind.HELP, Kind.KNOWLEDGE_SHARED,
          Kind.RESOURCE_SHARED, Kind.CONTACT_SHARED, Kind.NOTE)
_COMPONENTS = ("recent contact", "depth and frequency", "giving both ways",
               "a lasting relationship", "your stated trust")


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def span_words(days: int) -> str:
    """12 days, 3 weeks, 14 months, 3 years: the rounding a person would use."""
    if days < 14:
        return plural(days, "day")
    if days < 60:
        return plural(days // 7, "week")
    if days < 730:
        return plural(round(days / 30.44), "month")
    return plural(days // 365, "year")


def ago_words(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{span_words(days)} ago"


def evidence_phrases(e: TieEvidence) -> list[str]:
    """The facts, one phrase each, in a stable order."""
    phrases: list[str] = []
    for kind in _ORDER:
        if kind in _UNDIRECTED:
            n = e.count(kind)
            if n:
                word = _UNDIRECTED[kind]
                phrases.append(plural(n, "note") if kind is Kind.NOTE else f"{word} {times(n)}"
                               + (_from_calendar(e.met_from_calendar, n)
                                  if kind is Kind.MET else ""))
            continue
        by_direction = zip((Direction.GAVE, Direction.RECEIVED, Direction.MUTUAL),
                           _DIRECTED[kind], strict=True)
        for direction, words in by_direction:
            n = e.count(kind, direction)
            if n:
                phrases.append(f"{words} {times(n)}")
    if e.last_contact is not None:
        phrases.append(f"last contact {ago_words((e.as_of - e.last_contact).days)}")
    else:
        phrases.append("no interaction logged yet")
    if e.days_known is not None:
        phrases.append(f"known {span_words(e.days_known)}" if e.days_known > 0
                       else "met today")
    if e.stated_trust is not None:
        phrases.append(f"you would vouch for them at {e.stated_trust}/5")
    return phrases


def _from_calendar(captured: int, met: int) -> str:
    """ " (from your calendar)", or " (3 from your calendar)" when some were typed."""
    if captured <= 0:
        return ""
    return " (from your calendar)" if captured >= met else f" ({captured} from your calendar)"


def describe_evidence(e: TieEvidence) -> str:
    """One line: "met 3 times, gave advice twice, last contact 12 days ago, known 14 months"."""
    return ", ".join(evidence_phrases(e))


def describe_correction(e: TieEvidence) -> str | None:
    """What became of the member's correction, or None when there is none."""
    if e.correction is None or e.corrected_on is None:
        return None
    said = f"you set it to {e.correction:.2f} on {e.corrected_on.isoformat()}"
    if e.since_correction == 0:
        return f"{said}; it holds until new interactions are logged"
    return (f"{said}; {plural(e.since_correction, 'interaction')} since, so it now counts "
            f"{e.correction_weight:.0%} against {e.computed:.2f} from the evidence")


def describe_balance(e: TieEvidence) -> str:
    """Give and take with this person: "you gave 3 times, they gave once"."""
    if not e.given and not e.received:
        return "nothing given or received yet"
    def side(n: int) -> str:
        return times(n) if n else "nothing"

    return f"you gave {side(e.given)}, they gave {side(e.received)}"


def describe_strength(e: TieEvidence) -> list[str]:
    """The score, its evidence, what it is made of and any correction, line by line."""
    lines = [f"strength {e.strength:.2f}: {describe_evidence(e)}"]
    parts = zip(_COMPONENTS, e.weights,
                (e.recency, e.depth, e.reciprocity, e.duration, e.trust), strict=True)
    shares = sorted(((w * v, name) for name, w, v in parts if w * v > 0.005), reverse=True)
    if shares:
        lines.append("made of " + ", ".join(f"{name} {share:.2f}" for share, name in shares))
    correction = describe_correction(e)
    if correction:
        lines.append(correction)
    return lines
