from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from kithbook.domain.evidence import TieEvidence
from kithbook.domain.ids import ContactId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.keep_in_touch import Cadence, losing_touch, resolve_cadence, touch_state
from kithbook.domain.tie_summary import TieSummary
from kithbook.domain.ties import Stage

History = Callable[..., TieEvidence]
TODAY = date(2026, 6, 1)
MET = (Kind.MET, Direction.MUTUAL)


def tie(history: History, name: str, *, last: int | None, strength: float = 0.5,
        cadence: int | None = None, tags: tuple[str, ...] = (),
        ticked: int | None = None, known_days: int | None = None) -> TieSummary:
    events = [] if last is None else [(last, *MET)]
    return TieSummary(ContactId(name.lower()), name,
                      history(events, strength=strength, known_days=known_days), Stage.CONTACT,
                      tags=tags, cadence_days=cadence,
                      reminder_done=None if ticked is None else TODAY - timedelta(days=ticked))


def test_own_cadence_wins_over_tags() -> None:
    assert resolve_cadence(60, ["investors"], {"investors": 30}) == Cadence(
        60, "their own cadence")


def test_tightest_tag_cadence_applies() -> None:
    cadences = {"investors": 30, "Alumni": 180, "friends": 14}
    assert resolve_cadence(None, ["alumni", "investors"], cadences) == Cadence(
        30, "tag 'investors'")
    assert resolve_cadence(None, ["ALUMNI"], cadences) == Cadence(180, "tag 'alumni'")


def test_no_cadence_anywhere_means_no_reminder() -> None:
    assert resolve_cadence(None, ["climate"], {"investors": 30}) is None


def test_any_interaction_restarts_the_clock(history: History) -> None:
    # The reminder was ticked off 50 days ago, but we had coffee 5 days ago.
    state = touch_state(tie(history, "Ana", last=5, cadence=30, ticked=50), {}, TODAY)
    assert state is not None
    assert state.last_touch == TODAY - timedelta(days=5)
    assert state.overdue_days == 0
    assert state.due_on == TODAY + timedelta(days=25)


def test_ticking_a_reminder_also_restarts_the_clock(history: History) -> None:
    state = touch_state(tie(history, "Ana", last=90, cadence=30, ticked=10), {}, TODAY)
    assert state is not None and state.overdue_days == 0


def test_clock_starts_when_the_tie_began_if_nothing_was_logged(history: History) -> None:
    state = touch_state(tie(history, "Bo", last=None, cadence=30, known_days=45), {}, TODAY)
    assert state is not None and state.overdue_days == 15


def test_losing_touch_puts_valuable_and_overdue_first(history: History) -> None:
    ties = [
        tie(history, "Weak-very-late", last=400, strength=0.1, cadence=30),  # 0.1 x 3 (capped)
        tie(history, "Strong-late", last=60, strength=0.8, cadence=30),  # 0.8 x 1
        tie(history, "Strong-on-time", last=10, strength=0.9, cadence=30),
        tie(history, "Mid-very-late", last=120, strength=0.4, tags=("investors",)),  # 0.4 x 3
        tie(history, "No-cadence", last=900, strength=0.9),
    ]
    names = [s.name for s in losing_touch(ties, {"investors": 30}, TODAY)]
    assert names == ["Mid-very-late", "Strong-late", "Weak-very-late"]
    assert [s.name for s in losing_touch(ties, {"investors": 30}, TODAY, limit=1)] == [
        "Mid-very-late"]


def test_reason_says_how_late_and_why(history: History) -> None:
    state = touch_state(tie(history, "Ana", last=45, tags=("investors",)), {"investors": 30},
                        TODAY)
    assert state is not None
    assert state.reason == ("15 days overdue: last in touch 2026-04-17, every 30 days "
                            "(tag 'investors')")
