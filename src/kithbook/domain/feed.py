"""The calendar feed as plain data: which events a member's calendar shows, and why.

Three kinds, each from what the member's own book holds: the day a contact falls due to
keep in touch (with why, and a next step that gives first), a contact's important dates
(every year), and introductions waiting on the member (a request to answer before it
expires; an introduction made two weeks ago whose outcome they have not recorded).

Every event has a UID made of what it stands for, never of its date or words, so a
calendar that polls again updates the event instead of adding a second one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.intro_records import OPEN_STATES, IntroState, IntroView, MoveKind
from kithbook.domain.keep_in_touch import TouchState
from kithbook.domain.tie_summary import TieReading
from kithbook.domain.ties import Stage

# An introduction made this long ago without an outcome from the member is followed up.
OUTCOME_AFTER = timedelta(days=14)
UID_DOMAIN = "kithbook"
# An alarm at most a day before or after the start of an event's day (in minutes).
MAX_ALARM = 24 * 60
_ANSWERS = frozenset({MoveKind.FORWARD, MoveKind.DECLINE, MoveKind.ACCEPT})


@dataclass(frozen=True)
class FeedEvent:
    """One all-day event. `yearly`: it comes round every year from `day` (a date on
    29 February falls on the last day of February in other years)."""

    uid: str
    day: date
    summary: str
    description: str
    yearly: bool = False

    @property
    def leap_day(self) -> bool:
        return self.yearly and self.day.month == 2 and self.day.day == 29


def touch_events(states: Iterable[TouchState],
                 ties: Mapping[ContactId, TieReading]) -> list[FeedEvent]:
    """An event on the day each contact falls due (the day `kithbook touch` counts from)."""
    events = []
    for state in states:
        tie = ties.get(state.contact)
        step = feed_step(tie) if tie is not None else _SHARE.format(name=state.name)
        events.append(FeedEvent(
            f"touch-{state.contact}@{UID_DOMAIN}", state.due_on,
            f"Keep in touch with {state.name}",
            f"Why: {state.reason}.\nNext step: {step}"))
    return events


_SHARE = "share something you learned lately with {name}."


def feed_step(tie: TieReading) -> str:
    """A next step that gives before it asks, from what is stored with the tie (the feed
    reads every tie with a cadence; the full rules need each one's whole history)."""
    if tie.received - tie.given >= 2:
        return (f"return the favour: ask {tie.name} what they are working on and offer "
                "help.")
    if tie.stage is Stage.NEW:
        return f"follow up with something useful to {tie.name}: an article, a tool or an event."
    if tie.given == 0:
        return f"offer help: ask where {tie.name} is stuck."
    return _SHARE.format(name=tie.name)


def date_events(dates: Mapping[ContactId, Sequence[ImportantDate]],
                names: Mapping[ContactId, str]) -> list[FeedEvent]:
    """Each important date, every year from the first year it can be shown in."""
    events = []
    for contact, held in dates.items():
        name = names.get(contact)
        if name is None:
            continue
        for value in held:
            since = f" (since {value.year:04d})" if value.year is not None else ""
            events.append(FeedEvent(
                f"date-{contact}-{_date_key(value)}@{UID_DOMAIN}", _first_shown(value),
                f"{name}: {value.what}",
                f"{name}'s {value.what}{since}.", yearly=True))
    return events


# Yearly events start here at the earliest: calendars cope badly with a start in year 1,
# and nobody scrolls back before it. A leap year, so 29 February is a day of it.
FIRST_YEAR = 2000


def _first_shown(value: ImportantDate) -> date:
    year = max(value.year or FIRST_YEAR, FIRST_YEAR)
    if value.month == 2 and value.day == 29:
        while not calendar.isleap(year):
            year += 1
    return date(year, value.month, value.day)


def _date_key(value: ImportantDate) -> str:
    """What names a date among a contact's: its kind, its name and its day (not its year,
    which the member may learn later)."""
    label = "".join(c if c.isalnum() else "-" for c in (value.label or "").lower())[:40]
    return f"{value.kind.value}-{label}-{value.month:02d}{value.day:02d}"


def intro_events(views: Iterable[IntroView], today: date) -> list[FeedEvent]:
    """Introductions waiting on the member: a request to answer, an outcome to record."""
    events = []
    for view in views:
        if view.state in OPEN_STATES and _ANSWERS & set(view.open_moves):
            due = view.deadline.date() if view.deadline else view.created_at.date()
            events.append(FeedEvent(
                f"intro-{view.id}-answer@{UID_DOMAIN}", due,
                f"Answer {view.requester}'s introduction request",
                f"{view.requester} asks to be introduced to {view.target}: {view.purpose}\n"
                "It waits on you; it expires at the end of this day."))
        made = _made_on(view)
        if made is not None and view.outcome_parties:  # one the member may still record
            events.append(FeedEvent(
                f"intro-{view.id}-outcome@{UID_DOMAIN}", made + OUTCOME_AFTER,
                f"How did the introduction of {view.requester} to {view.target} go?",
                f"Made on {made.isoformat()} for: {view.purpose}\n"
                "Record its outcome: it is how vouches earn their weight."))
    return events


def _made_on(view: IntroView) -> date | None:
    if view.state is not IntroState.MADE:
        return None
    made = [m.at.date() for m in view.history if m.state_after is IntroState.MADE]
    return made[-1] if made else None


def check_alarm(minutes: int | None) -> int | None:
    if minutes is not None and not -MAX_ALARM <= minutes <= MAX_ALARM:
        raise InvalidInput(f"an alarm is at most {MAX_ALARM // 60} hours before or after the "
                           "start of the day.", field="alarm")
    return minutes
