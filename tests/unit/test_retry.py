"""A use case the database turned away for a moment runs again, but only as a whole."""

from __future__ import annotations

import pytest

from kithbook.domain.errors import Busy, Conflict
from kithbook.services.retry import ATTEMPTS, at_once, note_commit, retrying


class Flaky:
    """Fails with `Busy` a given number of times, optionally after committing once."""

    def __init__(self, failures: int, *, commit_first: bool = False) -> None:
        self.failures = failures
        self.commit_first = commit_first
        self.calls = 0

    def __call__(self, value: str) -> str:
        self.calls += 1
        if self.commit_first and self.calls == 1:
            note_commit()
        if self.calls <= self.failures:
            raise Busy("busy")
        return value


def test_a_busy_use_case_runs_again_until_it_goes_through() -> None:
    pauses: list[float] = []
    work = Flaky(failures=3)
    run = retrying(work, sleep=pauses.append, jitter=lambda: 0.5)
    assert run("done") == "done"
    assert work.calls == 4
    # Each pause doubles (jitter spreads racers out around it), and all are short.
    assert pauses == [0.02, 0.04, 0.08]


def test_it_gives_up_after_a_bounded_number_of_tries_with_the_clear_error() -> None:
    pauses: list[float] = []
    work = Flaky(failures=100)
    with pytest.raises(Busy):
        retrying(work, sleep=pauses.append)("never")
    assert work.calls == ATTEMPTS
    assert len(pauses) == ATTEMPTS - 1


def test_a_use_case_that_already_committed_is_never_run_again() -> None:
    work = Flaky(failures=1, commit_first=True)
    with pytest.raises(Busy):
        retrying(work, sleep=lambda _: None)("half")
    assert work.calls == 1


def test_other_errors_are_not_retried() -> None:
    calls = []

    def refuse() -> None:
        calls.append(1)
        raise Conflict("changed by someone else")

    with pytest.raises(Conflict):
        retrying(refuse, sleep=lambda _: None)()
    assert calls == [1]


def test_a_use_case_called_by_another_leaves_retrying_to_the_outer_one() -> None:
    inner = Flaky(failures=1)
    wrapped_inner = retrying(inner, sleep=lambda _: None)
    outer_calls = []

    def outer() -> str:
        outer_calls.append(1)
        return wrapped_inner("inner")

    assert retrying(outer, sleep=lambda _: None)() == "inner"
    assert inner.calls == 2 and outer_calls == [1, 1]


def test_at_once_answers_none_instead_of_pausing_and_trying_again() -> None:
    pauses: list[float] = []
    busy = Flaky(failures=1)
    assert at_once(lambda: retrying(busy, sleep=pauses.append)("late")) is None
    assert busy.calls == 1 and pauses == []
    assert at_once(lambda: retrying(busy, sleep=pauses.append)("now")) == "now"
    # Outside `at_once` the same use case retries as before.
    again = Flaky(failures=1)
    assert retrying(again, sleep=pauses.append)("later") == "later" and len(pauses) == 1
