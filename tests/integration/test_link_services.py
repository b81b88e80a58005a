"""Member links on both databases: both sides confirm, either side unlinks at once."""

from __future__ import annotations

import pytest

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook


def _linked(kb: Kithbook, owner: Member, member: Member) -> str | None:
    """The contact in `owner`'s book that stands for `member`, if any."""
    with kb.uow().reading() as uow:
        contact = uow.contacts.linked_to(owner.id, member.id)
    return contact.id if contact else None


def test_a_link_needs_both_sides_and_either_side_ends_it(kb: Kithbook) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    ben_in_ana = kb.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    kb.propose_link(ana.id, ben_in_ana, "BEN@example.org")
    assert _linked(kb, ana, ben) is None  # proposed, not yet linked
    [incoming] = kb.member_links(ben.id)
    assert (incoming.other_name, incoming.contact_name, incoming.proposed_by_me,
            incoming.confirmed) == ("Ana", None, False, False)
    with pytest.raises(InvalidInput):
        kb.confirm_link(ana.id, incoming.id)  # the proposer cannot confirm for Ben
    kb.confirm_link(ben.id, incoming.id)
    assert _linked(kb, ana, ben) == ben_in_ana
    [outgoing] = kb.member_links(ana.id)
    assert (outgoing.contact_name, outgoing.confirmed) == ("Ben Ortiz", True)
    kb.unlink(ben.id, incoming.id)
    assert _linked(kb, ana, ben) is None
    assert kb.member_links(ana.id) == [] == kb.member_links(ben.id)


def test_proposing_answers_the_same_for_unknown_emails(kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    zed = kb.add_contact(ana.id, ContactFields(name="Zed")).id
    kb.propose_link(ana.id, zed, "nobody@example.org")  # no error, nothing to show
    assert kb.member_links(ana.id) == []


def test_strangers_cannot_see_confirm_or_end_a_link(kb: Kithbook) -> None:
    ana, ben, dan = add_member(kb, "Ana"), add_member(kb, "Ben"), add_member(kb, "Dan")
    ben_in_ana = kb.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    kb.propose_link(ana.id, ben_in_ana, "ben@example.org")
    [link] = kb.member_links(ben.id)
    assert kb.member_links(dan.id) == []
    for attempt in (kb.confirm_link, kb.unlink):
        with pytest.raises(NotFound) as refused:
            attempt(dan.id, link.id)
        with pytest.raises(NotFound) as missing:
            attempt(dan.id, "zzzzzzzzzzzz")
        assert refused.value.message.replace(link.id, "?") == missing.value.message.replace(
            "zzzzzzzzzzzz", "?")
    assert _linked(kb, ana, ben) is None
