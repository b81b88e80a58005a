"""Consent links in the domain: the signature binds a link to its introduction, person,
purpose and expiry; answers map onto the same moves as a member's; an outcome the
target gave by email counts as theirs in the introducer's record."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.consent import (
    RATING_OF,
    Choice,
    ConsentLink,
    LinkPurpose,
    link_id_of,
    parse_choice,
    sign,
    still_answerable,
    verify,
)
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, IntroId, MemberId, new_id
from kithbook.domain.introductions import Introduction, IntroState, Party, Rating, Role
from kithbook.domain.reputation import judgment_record

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = os.urandom(32)
ANA, RUI = MemberId("ana"), MemberId("rui")


def _link(**changes: object) -> ConsentLink:
    link = ConsentLink(id=new_id(), intro_id=IntroId("intro1"), role=Role.TARGET,
                       purpose=LinkPurpose.ANSWER, created_at=T0,
                       expires_at=T0 + timedelta(days=14))
    return replace(link, **changes)  # type: ignore[arg-type]


def test_a_signed_link_verifies_and_names_its_id() -> None:
    link = _link()
    token = sign(KEY, link)
    assert link_id_of(token) == link.id and verify(KEY, token, link)


@pytest.mark.parametrize("change", [
    {"intro_id": IntroId("intro2")}, {"role": Role.REQUESTER},
    {"purpose": LinkPurpose.OUTCOME}, {"expires_at": T0 + timedelta(days=15)},
])
def test_a_token_is_bound_to_its_introduction_person_purpose_and_expiry(
        change: dict[str, object]) -> None:
    link = _link()
    assert not verify(KEY, sign(KEY, link), _link(id=link.id, **change))


def test_another_key_signs_another_token() -> None:
    link = _link()
    assert not verify(os.urandom(32), sign(KEY, link), link)


@given(st.text(max_size=60))
def test_no_made_up_text_is_a_token(text: str) -> None:
    link = _link()
    assert not verify(KEY, text, link) or text == sign(KEY, link)


@pytest.mark.parametrize("text", ["", "abc", "i" * 12 + "." + "A" * 22, "0" * 12,
                                  "0" * 12 + "." + "A" * 21, "0000000000oo." + "A" * 22])
def test_what_is_not_shaped_like_a_token_names_no_link(text: str) -> None:
    assert link_id_of(text) is None


def test_each_purpose_has_its_own_answers() -> None:
    assert parse_choice(" YES ", LinkPurpose.ANSWER) is Choice.YES
    with pytest.raises(InvalidInput):
        parse_choice("useful", LinkPurpose.ANSWER)
    with pytest.raises(InvalidInput):
        parse_choice("yes", LinkPurpose.OUTCOME)
    assert RATING_OF[parse_choice("didnt_happen", LinkPurpose.OUTCOME)] is Rating.NEUTRAL


def test_a_link_works_while_its_request_waits_for_it() -> None:
    answer, outcome = _link(), _link(purpose=LinkPurpose.OUTCOME)
    assert [s for s in IntroState if still_answerable(answer, s)] == [IntroState.FORWARDED]
    assert [s for s in IntroState if still_answerable(outcome, s)] == [IntroState.MADE]
    assert answer.is_open(T0) and not answer.is_open(T0 + timedelta(days=14))
    assert not replace(answer, used_at=T0).is_open(T0)
    assert answer.reminder_due() == T0 + timedelta(days=4)
    assert replace(answer, reminded_at=T0).reminder_due() is None


def _made(by_email: bool) -> Introduction:
    intro = Introduction.request(
        id=IntroId("intro1"), requester=Party("Rui Costa", member=RUI),
        introducer=Party("Ana Ruiz", member=ANA),
        target=Party("Dina Kovacs", contact=ContactId("c1"), email="dina@example.org"),
        purpose="Advice on a first data team", by=RUI, at=T0)
    intro.forward(by=ANA, at=T0)
    intro.accept(by=ANA, at=T0, by_email=by_email)
    intro.record_outcome(by=ANA, rating=Rating.POSITIVE, at=T0, party=Role.TARGET,
                         by_email=by_email)
    return intro


def test_an_outcome_the_target_gave_by_email_is_not_the_introducers_own_word() -> None:
    by_hand, by_email = judgment_record([_made(False)], ANA), judgment_record([_made(True)], ANA)
    assert by_hand.outcomes == by_email.outcomes and by_hand.outcomes.positive == 1
    assert (by_hand.recorded_by_self, by_email.recorded_by_self) == (1, 0)
    assert _made(True).view_for(ANA).history[-1].by_email
