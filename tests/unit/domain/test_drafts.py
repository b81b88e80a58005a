"""Drafts: a double opt-in ask to the target, then the introduction once both agreed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kithbook.domain.drafts import forwarding_email, introduction_email
from kithbook.domain.errors import NotAllowed
from kithbook.domain.ids import ContactId, IntroId, MemberId
from kithbook.domain.introductions import Introduction, Party

T0 = datetime(2026, 5, 4, tzinfo=UTC)
ANA = MemberId("ana")
PURPOSE = "I'd like Dina's advice on running accessibility audits for a city website."


def intro() -> Introduction:
    return Introduction.request(
        id=IntroId("i1"), requester=Party("Sam Ortiz", email="sam@example.com"),
        introducer=Party("Ana Ruiz", member=ANA),
        target=Party("Dina Kovacs", contact=ContactId("c-dina"), email="dina@example.org"),
        purpose=PURPOSE, by=ANA, at=T0)


def test_the_ask_to_the_target_quotes_the_purpose_and_makes_saying_no_easy() -> None:
    i = intro()
    draft = forwarding_email(i, about_requester="Sam and I worked together for two years.")
    assert draft.to == ("dina@example.org",)
    assert draft.subject == "Would you like to meet Sam Ortiz?"
    assert draft.body.startswith("Hi Dina,")
    assert f"> {PURPOSE}" in draft.body
    assert "Sam and I worked together" in draft.body
    assert "A no is completely fine" in draft.body
    assert "sam@example.com" not in draft.body  # nothing about the requester beyond the ask
    assert draft.body.rstrip().endswith("Ana")


def test_the_introduction_goes_to_both_once_the_target_agreed() -> None:
    i = intro()
    with pytest.raises(NotAllowed, match="Dina Kovacs has not agreed yet"):
        introduction_email(i)
    i.forward(by=ANA, at=T0 + timedelta(days=1))
    i.make(by=ANA, at=T0 + timedelta(days=2))
    draft = introduction_email(i, note="Dina, Sam ran the audit for our co-op's site.")
    assert draft.to == ("sam@example.com", "dina@example.org")
    assert draft.subject == "Introduction: Sam Ortiz and Dina Kovacs"
    assert draft.body.startswith("Dina, meet Sam Ortiz. Sam, meet Dina Kovacs.")
    assert "ran the audit" in draft.body


def test_no_ask_is_drafted_for_a_closed_request() -> None:
    i = intro()
    i.decline(by=ANA, at=T0 + timedelta(days=1), private_reason="hardly know Sam")
    with pytest.raises(NotAllowed, match="nothing to ask Dina Kovacs: this request is declined"):
        forwarding_email(i)

