"""The introduction use cases against the in-memory unit of work: who may see and move a
request, what is stored and who is told. Each test runs in milliseconds; the same rules
run against SQLite and PostgreSQL in `tests/integration`."""

from __future__ import annotations

import pytest
from tests.fakes import FakeUnitOfWork, FixedClock
from tests.unit.services.introduction_world import World, seed

from kithbook.domain.errors import Conflict, NotAllowed, NotFound
from kithbook.domain.fair_use import FairUseLimits
from kithbook.domain.introductions import IntroState, Rating, Role
from kithbook.domain.policies import REFUSED_TO_ASKER
from kithbook.services import introductions as intros


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def world(uow: FakeUnitOfWork, clock: FixedClock) -> World:
    return seed(lambda: uow, clock)


def _ask(uow: FakeUnitOfWork, world: World, clock: FixedClock, **kw: object) -> str:
    view = intros.request_introduction(uow, world.ben.id, world.ana.id, world.cleo,
                                       "advice on hiring a first designer", clock, **kw)
    return view.id


def test_a_request_reaches_the_introducer_and_nobody_else(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    intro_id = _ask(uow, world, clock)

    assert [v.id for v in intros.list_introductions(uow, world.ana.id, intros.Box.INBOX)] \
        == [intro_id]
    assert [v.id for v in intros.list_introductions(uow, world.ben.id, intros.Box.OUTBOX)] \
        == [intro_id]
    assert intros.list_introductions(uow, world.dan.id) == []
    assert [n.member_id for n in uow.rows.notifications] == [world.ana.id]
    assert [mail.to_address for mail, _ in uow.rows.outbox] == ["ana@example.org"]


def test_an_outsider_is_told_the_same_as_for_a_request_that_does_not_exist(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    intro_id = _ask(uow, world, clock)

    with pytest.raises(NotFound) as theirs:
        intros.show(uow, world.dan.id, intro_id)
    with pytest.raises(NotFound) as nothing:
        intros.show(uow, world.dan.id, "0" * len(intro_id))
    assert str(theirs.value).replace(intro_id, "?") == \
        str(nothing.value).replace("0" * len(intro_id), "?")


def test_a_hidden_contact_is_refused_in_the_same_words_as_one_that_does_not_exist(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    for target in (world.hidden, "no-such-contact"):
        with pytest.raises(NotAllowed, match=REFUSED_TO_ASKER[:30]):
            intros.request_introduction(uow, world.ben.id, world.ana.id, target,
                                        "advice on hiring", clock)
    assert uow.rows.intros == {}


def test_a_move_the_actor_may_not_make_changes_nothing(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    intro_id = _ask(uow, world, clock)
    before = intros.show(uow, world.ana.id, intro_id)
    told = len(uow.rows.notifications)

    with pytest.raises(NotAllowed):
        intros.forward(uow, world.ben.id, intro_id, clock)  # only Ana may forward

    assert intros.show(uow, world.ana.id, intro_id) == before
    assert len(uow.rows.notifications) == told


def test_a_stale_page_cannot_answer_over_a_newer_move(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    intro_id = _ask(uow, world, clock)
    seen = intros.show(uow, world.ana.id, intro_id).version
    intros.forward(uow, world.ana.id, intro_id, clock, expected_version=seen)

    with pytest.raises((Conflict, NotAllowed)):
        intros.decline(uow, world.ana.id, intro_id, clock, expected_version=seen)
    assert intros.show(uow, world.ana.id, intro_id).state is IntroState.FORWARDED


def test_made_and_rated_the_requester_sees_the_whole_story(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    intro_id = _ask(uow, world, clock)
    intros.forward(uow, world.ana.id, intro_id, clock)
    clock.advance(2)
    intros.make(uow, world.ana.id, intro_id, clock)  # Cleo is not a member: Ana records her yes
    intros.record_outcome(uow, world.ben.id, intro_id, Rating.POSITIVE, clock)

    view = intros.show(uow, world.ben.id, intro_id)
    assert view.state is IntroState.MADE
    assert [o.party for o in view.outcomes] == [Role.REQUESTER]
    with pytest.raises(NotAllowed, match="already recorded"):
        intros.record_outcome(uow, world.ben.id, intro_id, Rating.NEGATIVE, clock)


def test_the_open_request_cap_holds_and_frees_a_place_when_one_closes(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    limits = FairUseLimits(max_open_requests=1)
    first = _ask(uow, world, clock, limits=limits)

    with pytest.raises(NotAllowed, match="open"):
        _ask(uow, world, clock, limits=limits)
    intros.withdraw(uow, world.ben.id, first, clock)
    _ask(uow, world, clock, limits=limits)
    assert intros.fair_use_status(uow, world.ben.id, clock, limits).open_requests == 1


def test_requests_nobody_answered_expire_and_only_those(
        uow: FakeUnitOfWork, world: World, clock: FixedClock) -> None:
    old = _ask(uow, world, clock)
    intros.withdraw(uow, world.ben.id, old, clock)
    waiting = _ask(uow, world, clock)

    assert intros.expire_due(uow, clock) == 0
    clock.advance(365)
    assert intros.expire_due(uow, clock) == 1
    assert intros.show(uow, world.ben.id, waiting).state is IntroState.EXPIRED
    assert intros.show(uow, world.ben.id, old).state is IntroState.WITHDRAWN
