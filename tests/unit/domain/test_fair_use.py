"""Fair use: open-request cap and a pause before asking the same introducer again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kithbook.domain.errors import InvalidInput, NotAllowed
from kithbook.domain.fair_use import (
    FairUseLimits,
    check_cooldown,
    check_new_request,
    check_open_requests,
    open_requests,
)
from kithbook.domain.ids import IntroId, MemberId
from kithbook.domain.introductions import Introduction, Party

T0 = datetime(2026, 4, 1, tzinfo=UTC)
RUI, ANA, LEE, BO = MemberId("rui"), MemberId("ana"), MemberId("lee"), MemberId("bo")
NAMES = {ANA: "Ana Ruiz", LEE: "Lee Park"}


def ask(n: int, introducer: MemberId = ANA, *, day: int = 0) -> Introduction:
    return Introduction.request(
        id=IntroId(f"i{n}"), requester=Party("Rui Costa", member=RUI),
        introducer=Party(NAMES[introducer], member=introducer),
        target=Party("Bo Chen", member=BO), purpose="Advice on running a first design review.",
        by=RUI, at=T0 + timedelta(days=day))


def test_the_cap_counts_only_open_requests() -> None:
    limits = FairUseLimits(max_open_requests=3)
    intros = [ask(1), ask(2), ask(3, LEE)]
    with pytest.raises(NotAllowed, match=r"already have 3 open .* \(3\); wait for answers or "
                                         "withdraw one"):
        check_open_requests(intros, RUI, T0, limits)
    intros[0].withdraw(by=RUI, at=T0 + timedelta(hours=1))
    check_open_requests(intros, RUI, T0, limits)


def test_requests_past_their_deadline_no_longer_count() -> None:
    intros = [ask(n) for n in range(5)]
    assert len(open_requests(intros, RUI, T0 + timedelta(days=29))) == 5
    assert open_requests(intros, RUI, T0 + timedelta(days=31)) == []
    check_open_requests(intros, RUI, T0 + timedelta(days=31))


def test_asking_the_same_introducer_again_too_soon_is_refused() -> None:
    declined = ask(1)
    declined.decline(by=ANA, at=T0 + timedelta(days=2), private_reason="not now")
    limits = FairUseLimits(cooldown_after_decline=timedelta(days=14))
    with pytest.raises(NotAllowed, match="Ana Ruiz declined your request on 2026-04-03; you "
                                         "can ask them again from 2026-04-17"):
        check_cooldown([declined], RUI, ANA, "Ana Ruiz", T0 + timedelta(days=10), limits)
    check_cooldown([declined], RUI, LEE, "Lee Park", T0 + timedelta(days=10), limits)
    check_cooldown([declined], RUI, ANA, "Ana Ruiz", T0 + timedelta(days=16), limits)


def test_a_target_saying_no_does_not_pause_asking_the_introducer() -> None:
    i = ask(1)
    i.forward(by=ANA, at=T0 + timedelta(days=1))
    i.decline(by=BO, at=T0 + timedelta(days=2))
    check_cooldown([i], RUI, ANA, "Ana Ruiz", T0 + timedelta(days=3))


def test_both_checks_together() -> None:
    declined = ask(1)
    declined.decline(by=ANA, at=T0)
    with pytest.raises(NotAllowed, match="declined your request"):
        check_new_request([declined], RUI, ANA, "Ana Ruiz", T0 + timedelta(days=1))
    check_new_request([declined], RUI, LEE, "Lee Park", T0 + timedelta(days=1))


def test_limits_must_make_sense() -> None:
    with pytest.raises(InvalidInput, match="between 1 and 1000"):
        FairUseLimits(max_open_requests=0)
    with pytest.raises(InvalidInput, match="cannot be negative"):
        FairUseLimits(cooldown_after_decline=timedelta(days=-1))
