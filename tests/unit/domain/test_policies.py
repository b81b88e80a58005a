"""Sharing policies: defaults, changes, who may ask, and how a tie shows in search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithbook.domain.contacts import Contact
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.policies import (
    REFUSED_TO_ASKER,
    PolicyChange,
    apply_change,
    effective_policy,
    may_ask,
    parse_ask_rule,
    parse_visibility,
    shown_in_search,
)
from kithbook.domain.ties import AskRule, SharingPolicy, Visibility

DEFAULT = SharingPolicy(visibility=Visibility.ANONYMOUS, ask_rule=AskRule.TRUSTED,
                        ask_min_trust=3, welcomes="anything about gardening")
ADA = Contact(id=ContactId("c1"), owner=MemberId("m1"), name="Ada Lovelace",
              organization="Analytical Engines", role="CTO")


def test_a_tie_without_its_own_policy_follows_the_defaults() -> None:
    resolved = effective_policy(None, DEFAULT)
    assert resolved.from_default and resolved.source == "your defaults"
    assert resolved.policy.ask_min_trust == 3
    assert resolved.policy.welcomes is None  # what a contact welcomes is never inherited


def test_a_tie_with_its_own_policy_overrides_the_defaults() -> None:
    own = SharingPolicy(visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE)
    resolved = effective_policy(own, DEFAULT)
    assert resolved.policy is own and not resolved.from_default


def test_a_change_touches_only_the_fields_it_names() -> None:
    changed = apply_change(DEFAULT, PolicyChange(visibility=Visibility.HIDDEN))
    assert changed.visibility is Visibility.HIDDEN
    assert (changed.ask_rule, changed.ask_min_trust, changed.welcomes) == (
        AskRule.TRUSTED, 3, "anything about gardening")


def test_a_minimum_trust_alone_means_trusted_at_that_level() -> None:
    changed = apply_change(SharingPolicy(), PolicyChange(ask_min_trust=4))
    assert (changed.ask_rule, changed.ask_min_trust) == (AskRule.TRUSTED, 4)


def test_a_minimum_trust_with_another_rule_is_refused() -> None:
    with pytest.raises(InvalidInput, match="only applies to the asking rule 'trusted'"):
        apply_change(DEFAULT, PolicyChange(ask_rule=AskRule.ANYONE, ask_min_trust=4))


def test_switching_away_from_trusted_drops_the_level() -> None:
    changed = apply_change(DEFAULT, PolicyChange(ask_rule=AskRule.ANYONE))
    assert changed.ask_min_trust is None


def test_trusted_needs_a_level() -> None:
    with pytest.raises(InvalidInput, match="minimum trust level from 1 to 5"):
        apply_change(SharingPolicy(), PolicyChange(ask_rule=AskRule.TRUSTED))
    with pytest.raises(InvalidInput, match="from 1"):
        apply_change(SharingPolicy(), PolicyChange(ask_min_trust=9))


def test_welcomes_can_be_set_and_cleared() -> None:
    set_ = apply_change(SharingPolicy(), PolicyChange(welcomes="  early-stage  founders "))
    assert set_.welcomes == "early-stage founders"
    assert apply_change(set_, PolicyChange(clear_welcomes=True)).welcomes is None
    with pytest.raises(InvalidInput, match="under 500"):
        apply_change(SharingPolicy(), PolicyChange(welcomes="x" * 501))


@pytest.mark.parametrize(("policy", "trust", "allowed", "why"), [
    (SharingPolicy(ask_rule=AskRule.ANYONE), None, True, "anyone may ask"),
    (SharingPolicy(ask_rule=AskRule.NOBODY), 5, False, "nobody may ask"),
    (SharingPolicy(ask_rule=AskRule.ANYONE, no_introductions=True), 5, False,
     "no introductions"),
    (SharingPolicy(ask_rule=AskRule.TRUSTED, ask_min_trust=3), 3, True, "meets your minimum"),
    (SharingPolicy(ask_rule=AskRule.TRUSTED, ask_min_trust=3), 2, False, "at 2"),
    (SharingPolicy(ask_rule=AskRule.TRUSTED, ask_min_trust=3), None, False, "not stated"),
])
def test_may_ask_answers_with_a_reason(policy: SharingPolicy, trust: int | None,
                                       allowed: bool, why: str) -> None:
    answer = may_ask(policy, trust)
    assert bool(answer) is allowed
    assert why in answer.reason


@given(st.sampled_from(list(AskRule)), st.one_of(st.none(), st.integers(1, 5)),
       st.one_of(st.none(), st.integers(1, 5)), st.booleans())
def test_every_refusal_tells_the_asker_the_same_thing(rule: AskRule, level: int | None,
                                                      trust: int | None,
                                                      no_intros: bool) -> None:
    if rule is AskRule.TRUSTED and level is None:
        level = 3
    policy = SharingPolicy(ask_rule=rule, ask_min_trust=level if rule is AskRule.TRUSTED
                           else None, no_introductions=no_intros)
    answer = may_ask(policy, trust)
    if not answer:
        assert answer.to_asker == REFUSED_TO_ASKER
    if no_intros:
        assert not answer


def test_search_shows_named_anonymous_or_nothing() -> None:
    assert shown_in_search(SharingPolicy(visibility=Visibility.NAMED), ADA) == \
        "Ada Lovelace (CTO, Analytical Engines)"
    assert shown_in_search(SharingPolicy(visibility=Visibility.ANONYMOUS), ADA) == \
        "a contact at Analytical Engines"
    assert shown_in_search(SharingPolicy(visibility=Visibility.HIDDEN), ADA) is None


def test_a_no_introductions_contact_never_shows_in_search() -> None:
    policy = SharingPolicy(visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE,
                           no_introductions=True)
    assert shown_in_search(policy, ADA) is None


def test_parse_rules_as_typed() -> None:
    assert parse_visibility(" Named ") is Visibility.NAMED
    assert parse_ask_rule("anyone") is AskRule.ANYONE
    with pytest.raises(InvalidInput, match="hidden, anonymous"):
        parse_visibility("public")
    with pytest.raises(InvalidInput, match="nobody, trusted"):
        parse_ask_rule("friends")
