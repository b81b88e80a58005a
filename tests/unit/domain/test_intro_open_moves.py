"""The moves a view offers are exactly the moves the domain then accepts."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from kithbook.domain.errors import KithbookError
from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.introductions import Introduction, IntroState, MoveKind, Party, Rating, Role

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RUI, ANA, BO, EVE = (MemberId(n) for n in ("rui", "ana", "bo", "eve"))
EVERYONE = (RUI, ANA, BO, EVE)
DINA = Party("Dina Kovacs", contact=ContactId("c-dina"))

SHAPES = {
    "three members": (Party("Rui", member=RUI), Party("Ana", member=ANA),
                      Party("Bo", member=BO), RUI),
    "target off the platform": (Party("Rui", member=RUI), Party("Ana", member=ANA), DINA, RUI),
    "a request that came by email": (Party("Zoe", email="zoe@example.org"),
                                     Party("Ana", member=ANA), DINA, ANA),
    "an introduction I asked for": (Party("Rui", member=RUI), Party("Ana"),
                                    Party("Grace"), RUI),
}

Attempt = Callable[[Introduction, MemberId], None]


def _at(intro: Introduction) -> datetime:
    return intro.history[-1].at + timedelta(hours=1)


ATTEMPTS: dict[MoveKind, Attempt] = {
    MoveKind.FORWARD: lambda i, m: i.forward(by=m, at=_at(i)),
    MoveKind.DECLINE: lambda i, m: i.decline(by=m, at=_at(i)),
    MoveKind.ACCEPT: lambda i, m: i.accept(by=m, at=_at(i)),
    MoveKind.WITHDRAW: lambda i, m: i.withdraw(by=m, at=_at(i)),
}


def _succeeds(intro: Introduction, attempt: Attempt, member: MemberId) -> bool:
    try:
        attempt(copy.deepcopy(intro), member)
    except KithbookError:
        return False
    return True


def _states(shape: str) -> list[Introduction]:
    """The request, and where each path through the machine leaves it."""
    requester, introducer, target, by = SHAPES[shape]
    first = Introduction.request(id=IntroId("i1"), requester=requester,
                                 introducer=introducer, target=target,
                                 purpose="Advice on a first data team", by=by, at=T0)
    reached = [first]
    for path in ([MoveKind.FORWARD], [MoveKind.DECLINE], [MoveKind.WITHDRAW],
                 [MoveKind.FORWARD, MoveKind.DECLINE], [MoveKind.FORWARD, MoveKind.ACCEPT]):
        intro = copy.deepcopy(first)
        for kind in path:
            mover = next(m for m in EVERYONE if _succeeds(intro, ATTEMPTS[kind], m))
            ATTEMPTS[kind](intro, mover)
        reached.append(intro)
    return reached


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_offered_moves_are_the_ones_accepted(shape: str) -> None:
    for intro in _states(shape):
        for member in EVERYONE:
            offered = set(intro.open_moves(member))
            if MoveKind.TARGET_DECLINE in offered:
                offered = offered - {MoveKind.TARGET_DECLINE} | {MoveKind.DECLINE}
            accepted = {kind for kind, attempt in ATTEMPTS.items()
                        if _succeeds(intro, attempt, member)}
            assert offered - {MoveKind.OUTCOME} == accepted, (shape, intro.state, member)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_offered_outcomes_are_the_ones_accepted_and_each_only_once(shape: str) -> None:
    made = _states(shape)[-1]
    assert made.state is IntroState.MADE
    for member in EVERYONE:
        parties = made.outcome_parties(member)
        for role in Role:
            intro = copy.deepcopy(made)
            try:
                intro.record_outcome(by=member, rating=Rating.POSITIVE, at=_at(intro),
                                     party=role)
            except KithbookError:
                assert role not in parties
                continue
            assert role in parties
            assert role not in intro.outcome_parties(member)
        assert (MoveKind.OUTCOME in made.open_moves(member)) == bool(parties)


def test_the_view_carries_what_its_reader_may_do() -> None:
    intro = _states("three members")[0]
    assert intro.view_for(ANA).open_moves == (MoveKind.FORWARD, MoveKind.DECLINE)
    assert intro.view_for(RUI).open_moves == (MoveKind.WITHDRAW,)
    assert intro.open_moves(BO) == ()  # not forwarded to Bo yet: he cannot even see it
