"""The introduction state machine: every move, by every party, from every state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithbook.domain.errors import Conflict, InvalidInput, KithbookError, NotAllowed, NotFound
from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.introductions import (
    DEFAULT_EXPIRY,
    Introduction,
    IntroState,
    MoveKind,
    Party,
    Rating,
    Role,
    is_due_to_expire,
    parse_rating,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RUI = MemberId("rui")  # asks
ANA = MemberId("ana")  # introduces
BO = MemberId("bo")  # is asked for
EVE = MemberId("eve")  # has nothing to do with it

REQUESTER = Party("Rui Costa", member=RUI)
INTRODUCER = Party("Ana Ruiz", member=ANA)
MEMBER_TARGET = Party("Bo Chen", member=BO)
CONTACT_TARGET = Party("Dina Kovacs", contact=ContactId("c-dina"), email="dina@example.org")
PURPOSE = "I'd like Bo's advice on structuring a first data team at a 20-person company."


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def new_intro(target: Party = MEMBER_TARGET, *, requester: Party = REQUESTER,
              introducer: Party = INTRODUCER, by: MemberId = RUI,
              label: str | None = None) -> Introduction:
    return Introduction.request(id=IntroId("i1"), requester=requester, introducer=introducer,
                                target=target, purpose=PURPOSE, by=by, at=T0,
                                note="Thanks for considering it", target_label=label)


def actor(intro: Introduction, role: Role) -> MemberId:
    """The member entitled to make `role`'s moves (the party, or who keeps their side)."""
    member = intro.actor_for(role)
    assert member is not None
    return member


def target_actor(intro: Introduction) -> MemberId:
    return actor(intro, Role.TARGET)


# How to bring an introduction into each state, by the rightful parties.
def _forwarded(i: Introduction) -> None:
    i.forward(by=actor(i, Role.INTRODUCER), at=at(1), note="Bo, Rui is thoughtful; up to you")


def _declined(i: Introduction) -> None:
    i.decline(by=actor(i, Role.INTRODUCER), at=at(1), note="Not this time",
              private_reason="I barely know Rui")


def _target_declined(i: Introduction) -> None:
    _forwarded(i)
    i.decline(by=target_actor(i), at=at(2), private_reason="busy hiring myself")


def _made(i: Introduction) -> None:
    _forwarded(i)
    i.accept(by=target_actor(i), at=at(2), note="Happy to")


def _withdrawn(i: Introduction) -> None:
    i.withdraw(by=actor(i, Role.REQUESTER), at=at(1))


def _expired(i: Introduction) -> None:
    i.expire(at=at(31))


SETUP: dict[IntroState, Callable[[Introduction], None]] = {
    IntroState.REQUESTED: lambda i: None,
    IntroState.FORWARDED: _forwarded,
    IntroState.DECLINED: _declined,
    IntroState.TARGET_DECLINED: _target_declined,
    IntroState.MADE: _made,
    IntroState.WITHDRAWN: _withdrawn,
    IntroState.EXPIRED: _expired,
}


def in_state(state: IntroState, target: Party = MEMBER_TARGET,
             build: Callable[[Party], Introduction] = new_intro) -> Introduction:
    intro = build(target)
    SETUP[state](intro)
    assert intro.state is state
    return intro


MOVES: dict[str, Callable[[Introduction, MemberId], None]] = {
    "forward": lambda i, by: i.forward(by=by, at=at(3)),
    "decline": lambda i, by: i.decline(by=by, at=at(3)),
    "accept": lambda i, by: i.accept(by=by, at=at(3)),
    "make": lambda i, by: i.make(by=by, at=at(3)),
    "withdraw": lambda i, by: i.withdraw(by=by, at=at(3)),
}

S = IntroState
# The whole legal table for a target who is a member: (move, actor, from) -> to.
LEGAL_MEMBER_TARGET: dict[tuple[str, MemberId, IntroState], IntroState] = {
    ("forward", ANA, S.REQUESTED): S.FORWARDED,
    ("decline", ANA, S.REQUESTED): S.DECLINED,
    ("decline", BO, S.FORWARDED): S.TARGET_DECLINED,
    ("accept", BO, S.FORWARDED): S.MADE,
    ("make", BO, S.FORWARDED): S.MADE,  # the target's yes makes it, whatever the word
    ("withdraw", RUI, S.REQUESTED): S.WITHDRAWN,
    ("withdraw", RUI, S.FORWARDED): S.WITHDRAWN,
}
# A member target sees the request only once it was forwarded to them.
TARGET_SEES = {S.FORWARDED, S.TARGET_DECLINED, S.MADE}

# For an off-platform target, the introducer records the target's answer.
LEGAL_CONTACT_TARGET: dict[tuple[str, MemberId, IntroState], IntroState] = {
    ("forward", ANA, S.REQUESTED): S.FORWARDED,
    ("decline", ANA, S.REQUESTED): S.DECLINED,
    ("decline", ANA, S.FORWARDED): S.TARGET_DECLINED,
    ("accept", ANA, S.FORWARDED): S.MADE,
    ("make", ANA, S.FORWARDED): S.MADE,
    ("withdraw", RUI, S.REQUESTED): S.WITHDRAWN,
    ("withdraw", RUI, S.FORWARDED): S.WITHDRAWN,
}


def _cases(actors: list[MemberId]) -> list[tuple[str, MemberId, IntroState]]:
    return [(m, a, s) for m in MOVES for a in actors for s in IntroState]


@pytest.mark.parametrize(("move", "actor", "state"), _cases([RUI, ANA, BO, EVE]))
def test_every_move_by_every_party_with_a_member_target(move: str, actor: MemberId,
                                                        state: IntroState) -> None:
    intro = in_state(state)
    before = (intro.state, intro.version, len(intro.history))
    expected = LEGAL_MEMBER_TARGET.get((move, actor, state))
    if expected is not None:
        MOVES[move](intro, actor)
        assert intro.state is expected
        assert intro.version == before[1] + 1
        assert intro.history[-1].actor == actor
        assert intro.history[-1].at == at(3)
        assert intro.history[-1].on_behalf_of is None
        return
    hidden = actor == EVE or (actor == BO and state not in TARGET_SEES)
    with pytest.raises(NotFound if hidden else NotAllowed) as refused:
        MOVES[move](intro, actor)
    assert refused.value.message  # a refusal always says why
    assert (intro.state, intro.version, len(intro.history)) == before  # nothing changed


@pytest.mark.parametrize(("move", "actor", "state"), _cases([RUI, ANA, EVE]))
def test_every_move_by_every_party_with_an_off_platform_target(move: str, actor: MemberId,
                                                               state: IntroState) -> None:
    intro = in_state(state, CONTACT_TARGET)
    before = (intro.state, intro.version)
    expected = LEGAL_CONTACT_TARGET.get((move, actor, state))
    if expected is not None:
        MOVES[move](intro, actor)
        assert intro.state is expected
        assert intro.version == before[1] + 1
        answers_for_target = move in ("accept", "make") or expected is S.TARGET_DECLINED
        assert intro.history[-1].on_behalf_of == (Role.TARGET if answers_for_target else None)
        return
    with pytest.raises(NotFound if actor == EVE else NotAllowed):
        MOVES[move](intro, actor)
    assert (intro.state, intro.version) == before


SAM = Party("Sam Ortiz", email="sam@example.com")  # asked by email, not a member
LEE = Party("Lee Park", email="lee@example.net")  # someone the member asked, not a member


def _emailed_request(target: Party) -> Introduction:
    return new_intro(target, requester=SAM, by=ANA)


def _asked_of_outsider(target: Party) -> Introduction:
    return new_intro(target, introducer=LEE, by=RUI)


# Local mode: one member keeps every side that is off the platform, so every legal move
# is theirs, recorded for the party it belongs to.
def _local_legal(keeper: MemberId) -> dict[tuple[str, MemberId, IntroState], IntroState]:
    return {
        ("forward", keeper, S.REQUESTED): S.FORWARDED,
        ("decline", keeper, S.REQUESTED): S.DECLINED,
        ("decline", keeper, S.FORWARDED): S.TARGET_DECLINED,
        ("accept", keeper, S.FORWARDED): S.MADE,
        ("make", keeper, S.FORWARDED): S.MADE,
        ("withdraw", keeper, S.REQUESTED): S.WITHDRAWN,
        ("withdraw", keeper, S.FORWARDED): S.WITHDRAWN,
    }


@pytest.mark.parametrize(("build", "keeper"), [(_emailed_request, ANA),
                                               (_asked_of_outsider, RUI)])
@pytest.mark.parametrize(("move", "actor_", "state"), _cases([RUI, ANA, EVE]))
def test_every_move_in_local_mode_is_made_by_the_keeper(
        build: Callable[[Party], Introduction], keeper: MemberId, move: str,
        actor_: MemberId, state: IntroState) -> None:
    intro = in_state(state, CONTACT_TARGET, build)
    before = (intro.state, intro.version)
    expected = _local_legal(keeper).get((move, actor_, state))
    if expected is not None:
        MOVES[move](intro, actor_)
        assert intro.state is expected
        party = {"forward": Role.INTRODUCER, "withdraw": Role.REQUESTER}.get(
            move, Role.INTRODUCER if state is S.REQUESTED else Role.TARGET)
        own_move = intro.role_of(actor_) is party
        assert intro.history[-1].on_behalf_of == (None if own_move else party)
        return
    with pytest.raises(NotFound if actor_ != keeper else NotAllowed):
        MOVES[move](intro, actor_)
    assert (intro.state, intro.version) == before


def test_every_legal_transition_is_in_the_tables() -> None:
    # The tables above are the spec; this guards against a state being forgotten in them.
    reached = set(LEGAL_MEMBER_TARGET.values()) | {S.EXPIRED}
    assert reached | {S.REQUESTED} == set(IntroState)


# ---- messages name the party who may act ---------------------------------------------


def test_requester_cannot_forward_own_request() -> None:
    with pytest.raises(NotAllowed, match="only the introducer, Ana Ruiz, can forward"):
        new_intro().forward(by=RUI, at=at(1))


def test_introducer_cannot_accept_for_a_member_target() -> None:
    intro = in_state(S.FORWARDED)
    with pytest.raises(NotAllowed, match="only the target, Bo Chen, can accept"):
        intro.accept(by=ANA, at=at(2))
    with pytest.raises(NotAllowed, match="only the target, Bo Chen, can accept"):
        intro.make(by=ANA, at=at(2))


def test_introducer_cannot_decline_for_a_member_target_once_forwarded() -> None:
    with pytest.raises(NotAllowed, match="only the target, Bo Chen, can decline"):
        in_state(S.FORWARDED).decline(by=ANA, at=at(2))


def test_requester_cannot_answer_for_an_off_platform_target() -> None:
    intro = in_state(S.FORWARDED, CONTACT_TARGET)
    with pytest.raises(NotAllowed, match="Dina Kovacs is not on Kithbook, so only Ana Ruiz"):
        intro.accept(by=RUI, at=at(2))


def test_only_the_requester_withdraws() -> None:
    with pytest.raises(NotAllowed, match="only the requester, Rui Costa, can withdraw"):
        new_intro().withdraw(by=ANA, at=at(1))


def test_illegal_state_says_what_happened() -> None:
    with pytest.raises(NotAllowed, match="cannot forward this request: it is declined by the "
                                         "introducer since 2026-03-03"):
        in_state(S.DECLINED).forward(by=ANA, at=at(3))
    with pytest.raises(NotAllowed, match="already made"):
        in_state(S.MADE).withdraw(by=RUI, at=at(3))


def test_a_stranger_learns_nothing_not_even_that_it_exists() -> None:
    intro = new_intro()
    with pytest.raises(NotFound, match="no introduction request i1 that you can see"):
        intro.view_for(EVE)
    with pytest.raises(NotFound):
        intro.view_for(BO)  # not yet forwarded to the target


# ---- history, notes and versions -----------------------------------------------------


def test_every_move_is_timestamped_with_its_note_and_bumps_the_version() -> None:
    intro = in_state(S.MADE)
    assert [m.kind for m in intro.history] == [MoveKind.REQUEST, MoveKind.FORWARD,
                                               MoveKind.ACCEPT]
    assert [m.actor for m in intro.history] == [RUI, ANA, BO]
    assert [m.at for m in intro.history] == [T0, at(1), at(2)]
    assert intro.history[0].note == "Thanks for considering it"
    assert intro.history[2].note == "Happy to"
    assert intro.version == 3


def test_a_stale_version_is_a_conflict() -> None:
    intro = new_intro()
    loaded = intro.version
    intro.forward(by=ANA, at=at(1))
    with pytest.raises(Conflict, match="reload"):
        intro.withdraw(by=RUI, at=at(2), expected_version=loaded)
    intro.withdraw(by=RUI, at=at(2), expected_version=intro.version)
    assert intro.state is S.WITHDRAWN


# ---- expiry --------------------------------------------------------------------------


def test_an_unanswered_request_expires_after_the_configured_time() -> None:
    intro = Introduction.request(id=IntroId("i2"), requester=REQUESTER, introducer=INTRODUCER,
                                 target=MEMBER_TARGET, purpose=PURPOSE, by=RUI, at=T0,
                                 expires_after=timedelta(days=7))
    assert intro.deadline == at(7)
    assert not is_due_to_expire(intro, at(6.9))
    assert is_due_to_expire(intro, at(7))
    with pytest.raises(NotAllowed, match="not due to expire until 2026-03-09"):
        intro.expire(at=at(6))
    with pytest.raises(NotAllowed, match="expired on 2026-03-09"):
        intro.forward(by=ANA, at=at(8))
    intro.expire(at=at(8))
    assert intro.state is S.EXPIRED
    assert intro.history[-1].actor is None
    assert intro.deadline is None
    assert not is_due_to_expire(intro, at(100))


def test_forwarding_gives_the_target_a_full_period() -> None:
    intro = new_intro()
    intro.forward(by=ANA, at=at(20))
    assert intro.deadline == at(20) + DEFAULT_EXPIRY
    intro.accept(by=BO, at=at(45))
    assert intro.state is S.MADE


def test_closed_requests_do_not_expire() -> None:
    for state in (S.DECLINED, S.TARGET_DECLINED, S.MADE, S.WITHDRAWN, S.EXPIRED):
        with pytest.raises(NotAllowed, match="cannot expire"):
            in_state(state).expire(at=at(400))


# ---- outcomes ------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(IntroState))
@pytest.mark.parametrize("actor", [RUI, ANA, BO, EVE])
def test_outcomes_only_by_requester_and_target_after_made(state: IntroState,
                                                          actor: MemberId) -> None:
    intro = in_state(state)
    legal = state is S.MADE and actor in (RUI, BO)
    hidden = actor == EVE or (actor == BO and state not in TARGET_SEES)
    if legal:
        intro.record_outcome(by=actor, rating=Rating.POSITIVE, at=at(10), comment="useful")
        assert intro.outcomes[Role.REQUESTER if actor == RUI else Role.TARGET].rating \
            is Rating.POSITIVE
        assert intro.state is S.MADE
        return
    with pytest.raises(NotFound if hidden else NotAllowed):
        intro.record_outcome(by=actor, rating=Rating.NEGATIVE, at=at(10))
    assert intro.outcomes == {}


def test_an_outcome_is_recorded_once_per_party() -> None:
    intro = in_state(S.MADE)
    intro.record_outcome(by=RUI, rating=Rating.POSITIVE, at=at(10))
    intro.record_outcome(by=BO, rating=Rating.NEUTRAL, at=at(11))
    with pytest.raises(NotAllowed, match="already recorded on 2026-03-12"):
        intro.record_outcome(by=RUI, rating=Rating.NEGATIVE, at=at(12))
    assert intro.outcomes[Role.REQUESTER].rating is Rating.POSITIVE
    assert intro.version == 5


def test_introducer_records_the_outcome_of_an_off_platform_target() -> None:
    intro = in_state(S.MADE, CONTACT_TARGET)
    with pytest.raises(NotAllowed, match="outcomes are recorded by the requester and the target"):
        intro.record_outcome(by=ANA, rating=Rating.POSITIVE, at=at(9), party=Role.INTRODUCER)
    intro.record_outcome(by=ANA, rating=Rating.POSITIVE, at=at(9))
    assert intro.outcomes[Role.TARGET].recorded_by == ANA
    assert intro.history[-1].on_behalf_of is Role.TARGET


def test_parse_rating_accepts_plain_words() -> None:
    assert parse_rating(" Good ") is Rating.POSITIVE
    assert parse_rating("negative") is Rating.NEGATIVE
    with pytest.raises(InvalidInput, match="positive, neutral or negative"):
        parse_rating("great!!")


# ---- local mode: off-platform requester and introducer --------------------------------


def test_a_request_that_came_by_email_is_recorded_by_the_introducer() -> None:
    outsider = Party("Sam Ortiz", email="sam@example.com")
    intro = new_intro(CONTACT_TARGET, requester=outsider, by=ANA)
    assert intro.history[0].on_behalf_of is Role.REQUESTER
    intro.forward(by=ANA, at=at(1))
    intro.make(by=ANA, at=at(2))
    with pytest.raises(InvalidInput, match="say whose outcome"):
        intro.record_outcome(by=ANA, rating=Rating.POSITIVE, at=at(3))
    intro.record_outcome(by=ANA, rating=Rating.POSITIVE, at=at(3), party=Role.REQUESTER)
    view = intro.view_for(ANA)
    assert [m.on_behalf_of for m in view.history] == ["Sam Ortiz", None, "Dina Kovacs",
                                                      "Sam Ortiz"]


def test_nobody_else_can_record_a_request_for_an_outsider() -> None:
    outsider = Party("Sam Ortiz", email="sam@example.com")
    with pytest.raises(NotAllowed, match="only Ana Ruiz, who keeps this request"):
        new_intro(CONTACT_TARGET, requester=outsider, by=EVE)


def test_an_intro_asked_of_someone_off_platform_is_kept_by_the_requester() -> None:
    outside_introducer = Party("Lee Park", email="lee@example.net")
    intro = new_intro(Party("Mo Diallo"), introducer=outside_introducer)
    intro.forward(by=RUI, at=at(1), note="Lee said they would ask Mo")
    intro.decline(by=RUI, at=at(2), note="Mo is not taking calls")
    assert intro.state is S.TARGET_DECLINED
    assert [m.on_behalf_of for m in intro.history] == [None, Role.INTRODUCER, Role.TARGET]


def test_withdrawal_of_an_outsiders_request_is_recorded_by_the_introducer() -> None:
    outsider = Party("Sam Ortiz", email="sam@example.com")
    intro = new_intro(CONTACT_TARGET, requester=outsider, by=ANA)
    intro.withdraw(by=ANA, at=at(1), note="Sam found another way in")
    assert intro.state is S.WITHDRAWN


# ---- what each party may read --------------------------------------------------------


def test_the_requester_never_reads_a_private_decline_reason() -> None:
    declined = in_state(S.DECLINED)
    view = declined.view_for(RUI)
    assert view.state is S.DECLINED
    assert view.private_reasons == ()
    assert "barely know" not in repr(view)
    assert [r.text for r in declined.view_for(ANA).private_reasons] == ["I barely know Rui"]


def test_a_targets_private_reason_reaches_the_introducer_but_not_the_requester() -> None:
    intro = in_state(S.TARGET_DECLINED)
    assert "busy hiring" not in repr(intro.view_for(RUI))
    assert [r.text for r in intro.view_for(BO).private_reasons] == ["busy hiring myself"]
    assert [r.text for r in intro.view_for(ANA).private_reasons] == ["busy hiring myself"]
    reason = intro.view_for(ANA).private_reasons[0]
    assert intro.view_for(ANA).history[reason.move_index].kind is MoveKind.TARGET_DECLINE


def test_the_requester_sees_the_anonymous_label_until_the_introduction_is_made() -> None:
    intro = new_intro(label="a contact at Acme")
    assert intro.view_for(RUI).target == "a contact at Acme"
    assert "Bo Chen" not in repr(intro.view_for(RUI))
    _made(intro)
    assert intro.view_for(RUI).target == "Bo Chen"


def test_the_target_sees_the_request_from_the_moment_it_reached_them() -> None:
    view = in_state(S.MADE).view_for(BO)
    assert view.viewer is Role.TARGET
    assert view.purpose == PURPOSE
    assert [m.kind for m in view.history] == [MoveKind.FORWARD, MoveKind.ACCEPT]
    assert "Thanks for considering it" not in repr(view)  # the note was for the introducer


def test_outcome_comments_stay_with_their_author() -> None:
    intro = in_state(S.MADE)
    intro.record_outcome(by=BO, rating=Rating.NEGATIVE, at=at(5), comment="pushed a product")
    intro.record_outcome(by=RUI, rating=Rating.POSITIVE, at=at(5), comment="great chat")
    requester_view = intro.view_for(RUI)
    assert [(o.party, o.comment) for o in requester_view.outcomes] == [
        (Role.REQUESTER, "great chat")]
    assert "pushed a product" not in repr(requester_view)
    assert Rating.NEGATIVE.value not in repr(requester_view.outcomes)
    introducer_view = intro.view_for(ANA)
    assert {(o.party, o.rating, o.comment) for o in introducer_view.outcomes} == {
        (Role.TARGET, Rating.NEGATIVE, None), (Role.REQUESTER, Rating.POSITIVE, None)}


def test_views_carry_no_ids_of_anyone_s_book() -> None:
    view = in_state(S.MADE, CONTACT_TARGET).view_for(RUI)
    assert "c-dina" not in repr(view)
    assert "dina@example.org" not in repr(view)
    assert {f.name for f in fields(view)} >= {"purpose", "history", "state"}


# ---- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"purpose": "   "}, "purpose cannot be empty"),
    ({"purpose": "x" * 2001}, "keep it under 2,000"),
    ({"target": Party("Rui again", member=RUI)}, "three different people"),
    ({"requester": Party("Sam"), "introducer": Party("Lee")}, "someone has to keep"),
    ({"at": datetime(2026, 3, 2, 9, 0)}, "time zone"),
    ({"expires_after": timedelta(hours=2)}, "1 to 365 days"),
])
def test_bad_requests_are_refused_with_a_clear_message(change: dict[str, object],
                                                       message: str) -> None:
    args: dict[str, object] = {"id": IntroId("i9"), "requester": REQUESTER,
                               "introducer": INTRODUCER, "target": MEMBER_TARGET,
                               "purpose": PURPOSE, "by": RUI, "at": T0}
    args.update(change)
    with pytest.raises(InvalidInput, match=message):
        Introduction.request(**args)  # type: ignore[arg-type]


def test_a_party_needs_a_name() -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        Party("  ")


# ---- invariants under any sequence of attempts ---------------------------------------

_ACTIONS = ["forward", "decline", "accept", "make", "withdraw", "expire", "outcome"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_ACTIONS), st.sampled_from([RUI, ANA, BO, EVE]),
                          st.integers(min_value=0, max_value=40)), max_size=12),
       st.booleans())
def test_any_sequence_of_attempts_keeps_the_machine_consistent(
        attempts: list[tuple[str, MemberId, int]], member_target: bool) -> None:
    target = MEMBER_TARGET if member_target else CONTACT_TARGET
    intro = new_intro(target, label="a contact at Acme")
    day = 0
    for action, actor, gap in attempts:
        day += gap
        when = at(day)
        try:
            if action == "expire":
                intro.expire(at=when)
            elif action == "outcome":
                intro.record_outcome(by=actor, rating=Rating.NEUTRAL, at=when)
            elif action == "decline":
                intro.decline(by=actor, at=when, private_reason="secret-reason")
            else:
                getattr(intro, action)(by=actor, at=when)
        except KithbookError:
            pass
    assert intro.version == len(intro.history)
    assert intro.state is intro.history[-1].state_after
    assert not intro.outcomes or intro.state is S.MADE
    requester_view = repr(intro.view_for(RUI))
    assert "secret-reason" not in requester_view
    assert intro.state is S.MADE or target.name not in requester_view
    assert all(m.actor is None or intro.role_of(m.actor) for m in intro.history)


@pytest.mark.parametrize("target", [MEMBER_TARGET, CONTACT_TARGET])
def test_an_anonymous_target_who_declines_stays_anonymous_to_the_requester(
        target: Party) -> None:
    intro = new_intro(target, label="a contact at Acme")
    _target_declined(intro)
    view = intro.view_for(RUI)
    assert target.name not in repr(view)
    assert view.history[-1].by == ("a contact at Acme" if target.on_platform else "Ana Ruiz")
    assert "busy hiring" not in repr(view)


def test_a_refusal_names_an_anonymous_target_as_the_requester_was_shown_them() -> None:
    intro = new_intro(label="a contact at Acme")
    intro.forward(by=ANA, at=at(1))
    for move in (intro.accept, intro.decline):
        with pytest.raises(NotAllowed) as refused:
            move(by=RUI, at=at(2))
        assert "Bo Chen" not in refused.value.message
        assert "only the target, a contact at Acme, can" in refused.value.message
    with pytest.raises(NotAllowed, match="only the target, Bo Chen, can"):
        intro.accept(by=ANA, at=at(2))  # the introducer knows whom they asked
