"""Reputation and judgment from outcomes: a prior keeps one outcome from swinging it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.introductions import Introduction, Party, Rating, Role
from kithbook.domain.reputation import (
    PRIOR_MEAN,
    Tally,
    judgment_record,
    outsider_reputation,
    real_members,
    requester_reputation,
)

T0 = datetime(2026, 1, 5, tzinfo=UTC)
RUI, ANA, BO = MemberId("rui"), MemberId("ana"), MemberId("bo")


def intro(n: int, *, target: Party | None = None, requester: Party | None = None,
          by: MemberId = RUI) -> Introduction:
    return Introduction.request(
        id=IntroId(f"i{n}"), requester=requester or Party("Rui Costa", member=RUI),
        introducer=Party("Ana Ruiz", member=ANA),
        target=target or Party("Bo Chen", member=BO),
        purpose="Advice on hiring a first data engineer.", by=by, at=T0 + timedelta(days=n))


def made(n: int, rating: Rating | None, **kw: object) -> Introduction:
    i = intro(n, **kw)  # type: ignore[arg-type]
    day = T0 + timedelta(days=n)
    i.forward(by=ANA, at=day)
    answerer = BO if i.target.on_platform else ANA
    i.accept(by=answerer, at=day)
    if rating is not None:
        i.record_outcome(by=answerer, rating=rating, at=day + timedelta(days=3),
                         party=Role.TARGET)
    return i


def test_no_history_is_unknown_not_bad() -> None:
    rep = requester_reputation([], RUI)
    assert rep.score == PRIOR_MEAN
    assert "no introduction requests before" in rep.summary()


def test_one_bad_outcome_does_not_sink_a_requester() -> None:
    rep = requester_reputation([made(1, Rating.NEGATIVE)], RUI)
    assert 0.35 <= rep.score < PRIOR_MEAN
    assert "targets said 0 went well, 0 neutral, 1 badly" in rep.summary()
    assert "from 1 outcome)" in rep.summary()


def test_many_good_outcomes_build_a_reputation() -> None:
    rep = requester_reputation([made(n, Rating.POSITIVE) for n in range(12)], RUI)
    assert rep.score > 0.85
    assert rep.made == 12 and rep.outcomes.positive == 12


def test_declines_and_withdrawals_are_counted_but_do_not_score() -> None:
    declined = intro(1)
    declined.decline(by=ANA, at=T0 + timedelta(days=2))
    withdrawn = intro(2)
    withdrawn.withdraw(by=RUI, at=T0 + timedelta(days=3))
    rep = requester_reputation([declined, withdrawn, intro(3)], RUI)
    assert (rep.requests, rep.declined, rep.withdrawn, rep.made) == (3, 1, 1, 0)
    assert rep.score == PRIOR_MEAN
    assert "no outcomes recorded yet" in rep.summary()


def test_only_the_targets_rating_counts_for_the_requester() -> None:
    i = made(1, None)
    i.record_outcome(by=RUI, rating=Rating.POSITIVE, at=T0 + timedelta(days=9))
    assert requester_reputation([i], RUI).outcomes.total == 0


def test_reputation_of_someone_who_asked_by_email() -> None:
    sam = Party("Sam Ortiz", email="Sam@Example.com")
    dina = Party("Dina Kovacs", contact=ContactId("c-dina"))
    rep = outsider_reputation([made(1, Rating.POSITIVE, requester=sam, target=dina, by=ANA)],
                              "sam@example.com")
    assert rep.outcomes.positive == 1


def test_judgment_record_follows_the_introducers_vouches() -> None:
    dina = Party("Dina Kovacs", contact=ContactId("c-dina"))
    declined = intro(9)
    declined.decline(by=ANA, at=T0 + timedelta(days=10))
    record = judgment_record([made(1, Rating.POSITIVE), made(2, Rating.NEGATIVE),
                              made(3, Rating.POSITIVE, target=dina), declined, intro(4)], ANA)
    assert (record.asked, record.forwarded, record.declined, record.made) == (5, 3, 1, 3)
    assert record.outcomes == Tally(positive=2, negative=1)
    assert record.recorded_by_self == 1
    assert "made 3 introductions" in record.summary()
    assert "1 of these entered by the introducer" in record.summary()
    assert judgment_record([], BO).summary().startswith("asked 0 times")


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_scores_stay_between_zero_and_one_and_grow_with_praise(p: int, n: int,
                                                               neg: int) -> None:
    tally = Tally(p, n, neg)
    assert 0.0 <= tally.score() <= 1.0
    assert Tally(p + 1, n, neg).score() > tally.score()
    assert Tally(p, n, neg + 1).score() < tally.score()


def test_real_members_are_the_admins_and_those_they_invited_with_a_history() -> None:
    a, b, c, d, e = (MemberId(x) for x in "abcde")
    # a is the admin; a invited b and c; b invited d; e invited itself into nothing.
    invited = {b: a, c: a, d: b, e: e}
    assert real_members([a], invited, [b, d, e]) == {a, b, d}  # c has no history yet
    assert real_members([a], invited, [d, e]) == {a}  # d's inviter b is not real
    assert real_members([], invited, [b, c, d, e]) == frozenset()
