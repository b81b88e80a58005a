"""Sharing policies through the services, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, SharingPolicy, Visibility
from kithbook.services.facade import Kithbook


@pytest.fixture
def me(kb: Kithbook) -> Member:
    return kb.book.init_local_member("Sam")[0]


def test_a_new_member_shares_nothing_by_default(kb: Kithbook, me: Member) -> None:
    assert kb.book.default_policy(me.id) == SharingPolicy()


def test_defaults_change_only_what_is_named_and_apply_to_contacts_without_a_rule(
        kb: Kithbook, me: Member) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace", organization="Acme"))
    kb.book.set_default_policy(me.id, PolicyChange(visibility=Visibility.ANONYMOUS))
    changed = kb.book.set_default_policy(me.id, PolicyChange(ask_min_trust=4))
    assert changed == SharingPolicy(Visibility.ANONYMOUS, AskRule.TRUSTED, 4)
    shown = kb.book.contact_policy(me.id, "ada")
    assert shown.effective.from_default and shown.effective.policy == changed


def test_defaults_refuse_what_belongs_to_one_contact(kb: Kithbook, me: Member) -> None:
    with pytest.raises(InvalidInput, match="belong to one contact"):
        kb.book.set_default_policy(me.id, PolicyChange(no_introductions=True))
    assert kb.book.default_policy(me.id) == SharingPolicy()


def test_a_contact_rule_starts_from_what_applies_and_can_follow_defaults_again(
        kb: Kithbook, me: Member) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"))
    kb.book.set_default_policy(me.id, PolicyChange(visibility=Visibility.NAMED,
                                                   ask_rule=AskRule.ANYONE))
    own = kb.book.set_contact_policy(me.id, "ada", PolicyChange(welcomes="  climate   founders "))
    assert not own.effective.from_default
    assert own.effective.policy == SharingPolicy(Visibility.NAMED, AskRule.ANYONE,
                                                 welcomes="climate founders")
    marked = kb.book.set_contact_policy(me.id, "ada", PolicyChange(no_introductions=True))
    assert marked.effective.policy.welcomes == "climate founders"  # kept
    assert kb.book.contact_policy(me.id, "ada").effective.policy.no_introductions
    back = kb.book.set_contact_policy(me.id, "ada", PolicyChange(), follow_defaults=True)
    assert back.effective.from_default and not back.effective.policy.no_introductions
    with pytest.raises(InvalidInput, match="not both"):
        kb.book.set_contact_policy(me.id, "ada", PolicyChange(ask_rule=AskRule.NOBODY),
                                   follow_defaults=True)


def test_a_contact_rule_is_checked_as_a_whole(kb: Kithbook, me: Member) -> None:
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace"))
    with pytest.raises(InvalidInput, match="only applies to the asking rule 'trusted'"):
        kb.book.set_contact_policy(me.id, "ada", PolicyChange(ask_rule=AskRule.ANYONE,
                                                              ask_min_trust=3))
    assert kb.book.contact_policy(me.id, "ada").effective.from_default
    with pytest.raises(NotFound, match="no contact matches"):
        kb.book.contact_policy(me.id, "Nobody")
