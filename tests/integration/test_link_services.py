"""Member links on both databases: both sides confirm, either side unlinks at once."""

from __future__ import annotations

import pytest

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from sql_trace import statements


def _linked(kb: Kithbook, owner: Member, member: Member) -> str | None:
    """The contact in `owner`'s book that stands for `member`, if any."""
    with kb.uow().reading() as uow:
        contact = uow.contacts.linked_to(owner.id, member.id)
    return contact.id if contact else None


def test_a_link_needs_both_sides_and_either_side_ends_it(kb: Kithbook) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    ben_in_ana = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    kb.community.propose_link(ana.id, ben_in_ana, "BEN@example.org")
    assert _linked(kb, ana, ben) is None  # proposed, not yet linked
    [incoming] = kb.community.member_links(ben.id)
    assert (incoming.other_name, incoming.contact_name, incoming.proposed_by_me,
            incoming.confirmed) == ("Ana", None, False, False)
    with pytest.raises(InvalidInput):
        kb.community.confirm_link(ana.id, incoming.id)  # the proposer cannot confirm for Ben
    kb.community.confirm_link(ben.id, incoming.id)
    assert _linked(kb, ana, ben) == ben_in_ana
    [outgoing] = kb.community.member_links(ana.id)
    assert (outgoing.contact_name, outgoing.confirmed) == ("Ben Ortiz", True)
    kb.community.unlink(ben.id, incoming.id)
    assert _linked(kb, ana, ben) is None
    assert kb.community.member_links(ana.id) == [] == kb.community.member_links(ben.id)


def test_proposing_does_the_same_for_a_member_and_for_an_unknown_email(kb: Kithbook) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    ben_in_ana = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    zed = kb.book.add_contact(ana.id, ContactFields(name="Zed")).id
    with statements() as to_member:
        kb.community.propose_link(ana.id, ben_in_ana, ben.email or "")
    with statements() as to_stranger:
        kb.community.propose_link(ana.id, zed, "nobody@example.org")
    assert to_member == to_stranger
    shown = sorted((v.contact_name, v.other_name,
                    v.confirmed) for v in kb.community.member_links(ana.id))
    assert shown == [("Ben Ortiz", "ben@example.org", False), ("Zed", "nobody@example.org",
                                                                False)]
    with kb.uow().reading() as uow:
        assert uow.outbox.pending() == 0  # no email either way
    # Ben, the member, is told in the app; the proposer's answer was the same.
    [told] = kb.notices.notifications(ben.id)
    assert told.link == "/links" and "Ana asks to link their book to you" in told.message
    assert kb.notices.notifications(ana.id) == []


def test_a_proposal_waits_for_whoever_has_the_email_and_names_them_once_confirmed(
        kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    zed = kb.book.add_contact(ana.id, ContactFields(name="Zed")).id
    kb.community.propose_link(ana.id, zed, "zed@example.org")
    late = add_member(kb, "Zed")  # joins after the proposal, with that email
    [incoming] = kb.community.member_links(late.id)
    assert (incoming.other_name, incoming.proposed_by_me) == ("Ana", False)
    kb.community.confirm_link(late.id, incoming.id)
    [outgoing] = kb.community.member_links(ana.id)
    assert (outgoing.other_name, outgoing.confirmed) == ("Zed", True)
    assert _linked(kb, ana, late) == zed


def test_one_member_is_linked_from_one_contact_of_a_book(kb: Kithbook) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    first = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    second = kb.book.add_contact(ana.id, ContactFields(name="B. Ortiz")).id
    kb.community.propose_link(ana.id, first, "ben@example.org")
    kb.community.propose_link(ana.id, second, "ben@example.org")
    one, other = kb.community.member_links(ben.id)
    kb.community.confirm_link(ben.id, one.id)
    with pytest.raises(InvalidInput, match="already stands for you"):
        kb.community.confirm_link(ben.id, other.id)
    with pytest.raises(InvalidInput, match="your own email"):
        kb.community.propose_link(ana.id, second, "ANA@example.org")


def test_strangers_cannot_see_confirm_or_end_a_link(kb: Kithbook) -> None:
    ana, ben, dan = add_member(kb, "Ana"), add_member(kb, "Ben"), add_member(kb, "Dan")
    ben_in_ana = kb.book.add_contact(ana.id, ContactFields(name="Ben Ortiz")).id
    kb.community.propose_link(ana.id, ben_in_ana, "ben@example.org")
    [link] = kb.community.member_links(ben.id)
    assert kb.community.member_links(dan.id) == []
    for attempt in (kb.community.confirm_link, kb.community.unlink):
        with pytest.raises(NotFound) as refused:
            attempt(dan.id, link.id)
        with pytest.raises(NotFound) as missing:
            attempt(dan.id, "zzzzzzzzzzzz")
        assert refused.value.message.replace(link.id, "?") == missing.value.message.replace(
            "zzzzzzzzzzzz", "?")
    assert _linked(kb, ana, ben) is None
