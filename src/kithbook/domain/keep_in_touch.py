"""Keep in touch: a cadence per contact or per tag, and the ties we are losing.

The clock restarts whenever anything is logged with the person, not only when a
reminder is ticked off: a coffee last week counts even if the reminder is still open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kithbook.domain.ids import ContactId
from kithbook.domain.tie_summary import Screen, TieReading

# Beyond three missed rounds a tie is simply lost; more overdue does not make it
# more urgent than a valuable tie that just slipped.
MAX_ROUNDS_OVERDUE = 3.0
# Only a tie with a cadence can be overdue.
SCREEN = Screen()


@dataclass(frozen=True)
class Cadence:
    days: int
    source: str  # "their own cadence" or "tag 'investors'"


def resolve_cadence(own: int | None, tags: Iterable[str],
                    tag_cadences: Mapping[str, int]) -> Cadence | None:
    """The contact's own cadence, else the tightest of its tags and groups, else none."""
    if own is not None:
        return Cadence(own, "their own cadence")
    by_tag = {tag.strip().lower(): days for tag, days in tag_cadences.items()}
    found = sorted((by_tag[t.strip().lower()], t.strip().lower()) for t in tags
                   if t.strip().lower() in by_tag)
    if not found:
        return None
    days, tag = found[0]
    return Cadence(days, f"tag '{tag}'")


@dataclass(frozen=True)
class TouchState:
    contact: ContactId
    name: str
    cadence: Cadence
    last_touch: date | None  # last interaction or ticked reminder, else when the tie began
    due_on: date
    overdue_days: int  # 0 when not yet due
    worth: float

    @property
    def rounds_overdue(self) -> float:
        return self.overdue_days / self.cadence.days

    @property
    def priority(self) -> float:
        """How much the tie is worth times how overdue it is, in cadences (capped)."""
        return self.worth * min(self.rounds_overdue, MAX_ROUNDS_OVERDUE)

    @property
    def reason(self) -> str:
        if self.last_touch is None:
            return f"never in touch; you meant to every {self.cadence.days} days"
        late = (f"{self.overdue_days} days overdue" if self.overdue_days
                else f"due {self.due_on.isoformat()}")
        return (f"{late}: last in touch {self.last_touch.isoformat()}, every "
                f"{self.cadence.days} days ({self.cadence.source})")


def touch_state(tie: TieReading, tag_cadences: Mapping[str, int],
                today: date) -> TouchState | None:
    """Where this tie stands against its cadence; None when it has no cadence."""
    cadence = resolve_cadence(tie.cadence_days, tie.tags, tag_cadences)
    if cadence is None:
        return None
    touches = [d for d in (tie.last_contact, tie.reminder_done) if d is not None]
    last = max(touches) if touches else tie.known_since
    due = today if last is None else last + timedelta(days=cadence.days)
    return TouchState(tie.contact, tie.name, cadence, last, due,
                      max(0, (today - due).days), tie.strength)


def losing_touch(ties: Sequence[TieReading], tag_cadences: Mapping[str, int], today: date,
                 *, limit: int | None = None) -> list[TouchState]:
    """Overdue ties, the most valuable and most overdue first."""
    states = [s for t in ties if (s := touch_state(t, tag_cadences, today)) is not None
              and s.overdue_days > 0]
    states.sort(key=lambda s: (-s.priority, -s.worth, s.name, s.contact))
    return states if limit is None else states[:limit]


# How often to keep in touch, suggested by a tie's strength: the strongest monthly, the
# middling every two months, the rest each quarter (thresholds, then days).
SUGGESTED_CADENCES = ((0.6, 30), (0.4, 60), (0.0, 90))


def suggested_cadence(strength: float) -> int:
    """Days between contacts to suggest for a tie of this strength."""
    return next(days for floor, days in SUGGESTED_CADENCES if strength >= floor)
