"""Warm paths through the services, on a real database (SQLite and PostgreSQL).

A small community: Ann searches. Ann knows Bob (a member) and Bob knows Ann back. Bob's
book holds Cat (a member, named, anyone may ask), Zed at Acme (anonymous, anyone), Hank at
Acme (hidden) and Vera (named, only for people Bob trusts at 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from community_members import bare_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery

OPEN = PolicyChange(visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE)


@dataclass
class Town:
    ann: MemberId
    bob: MemberId
    cat: MemberId
    cat_in_bob: str
    zed: str
    hank: str
    vera: str


def member(kb: Kithbook, name: str) -> MemberId:
    return bare_member(kb, name).id


def know(kb: Kithbook, owner: MemberId, other: MemberId, name: str, trust: int = 4,
         policy: PolicyChange = OPEN) -> str:
    contact = kb.book.add_contact(owner, ContactFields(name=name), TieFields(stated_trust=trust)).id
    kb.book.set_contact_policy(owner, contact, policy)
    with kb.uow() as uow:
        uow.contacts.link_member(owner, contact, other)
        uow.commit()
    return contact


def person(kb: Kithbook, owner: MemberId, name: str, policy: PolicyChange,
           organization: str | None = "Acme") -> str:
    contact = kb.book.add_contact(owner, ContactFields(name=name, organization=organization),
                                  TieFields(stated_trust=3)).id
    kb.book.set_contact_policy(owner, contact, policy)
    return contact


@pytest.fixture
def town(kb: Kithbook) -> Town:
    ann, bob, cat = member(kb, "Ann Lee"), member(kb, "Bob Stone"), member(kb, "Cat Diaz")
    know(kb, ann, bob, "Bob Stone")
    know(kb, bob, ann, "Ann Lee")
    cat_in_bob = know(kb, bob, cat, "Cat Diaz")
    zed = person(kb, bob, "Zed Zimmer", PolicyChange(visibility=Visibility.ANONYMOUS,
                                                     ask_rule=AskRule.ANYONE))
    hank = person(kb, bob, "Hank Hidden", PolicyChange(ask_rule=AskRule.ANYONE))
    vera = person(kb, bob, "Vera Vault", PolicyChange(
        visibility=Visibility.NAMED, ask_rule=AskRule.TRUSTED, ask_min_trust=5),
        organization="Globex")
    return Town(ann, bob, cat, cat_in_bob, zed, hank, vera)


def test_a_member_is_reached_through_a_member_who_lets_anyone_ask(kb: Kithbook,
                                                                   town: Town) -> None:
    found = kb.paths.find_paths(town.ann, PathQuery(to="Cat Diaz"))
    assert not found.local
    [path] = found.paths
    assert [s.label for s in path.steps] == ["Bob Stone", "Cat Diaz"]
    assert path.intro.introducer_member == town.bob
    # The contact is handed out as this search's handle, never as its id.
    assert path.intro.target_handle is not None
    assert town.cat_in_bob not in path.intro.target_handle
    assert path.steps[1].member == town.cat
    assert "how readily Bob Stone would agree" in path.explanation


def test_a_path_starts_an_introduction_request(kb: Kithbook, town: Town) -> None:
    [path] = kb.paths.find_paths(town.ann, PathQuery(to="cat")).paths
    intro = path.intro
    assert intro.introducer_member is not None and intro.target_handle is not None
    view = kb.intros.request(town.ann, intro.introducer_member, intro.target_handle,
                             "I would like Cat's advice on hiring a first data engineer.")
    assert (view.introducer, view.target) == ("Bob Stone", "Cat Diaz")
    with kb.uow().reading() as uow:  # Cat plays the target: Bob linked her, she confirmed
        stored = uow.introductions.get(view.id)
    assert stored is not None and stored.target.member == town.cat


def test_anonymous_contacts_are_found_by_filter_without_their_name(kb: Kithbook,
                                                                   town: Town) -> None:
    found = kb.paths.find_paths(town.ann, PathQuery(organization="acme"))
    [path] = found.paths
    assert path.steps[-1].label == "a contact at Acme"
    assert path.steps[-1].anonymous and path.steps[-1].member is None
    assert "Zed" not in repr(found) and "Hank" not in repr(found)


def test_a_hidden_contact_reads_like_nobody(kb: Kithbook, town: Town) -> None:
    with pytest.raises(NotFound) as hidden:
        kb.paths.find_paths(town.ann, PathQuery(to="Hank Hidden"))
    with pytest.raises(NotFound) as absent:
        kb.paths.find_paths(town.ann, PathQuery(to="Hank Nobody"))
    assert hidden.value.message.replace("Hidden", "X") == absent.value.message.replace(
        "Nobody", "X")


def test_a_trusted_rule_the_searcher_does_not_meet_gives_no_path(kb: Kithbook,
                                                                  town: Town) -> None:
    assert kb.paths.find_paths(town.ann, PathQuery(to="Vera Vault")).paths == []
    kb.book.edit_contact(town.bob, "Ann Lee", ContactFields(name="Ann Lee"),
                         TieFields(stated_trust=5))
    assert len(kb.paths.find_paths(town.ann, PathQuery(to="Vera Vault")).paths) == 1


def test_a_tie_shown_appears_and_hidden_again_disappears_at_once(kb: Kithbook,
                                                                 town: Town) -> None:
    kb.book.set_contact_policy(town.bob, town.hank, PolicyChange(visibility=Visibility.NAMED))
    assert [s.label for s in kb.paths.find_paths(town.ann, PathQuery(to="Hank")).paths[0].steps] \
        == ["Bob Stone", "Hank Hidden (Acme)"]
    kb.book.set_contact_policy(town.bob, town.hank, PolicyChange(visibility=Visibility.HIDDEN))
    with pytest.raises(NotFound):
        kb.paths.find_paths(town.ann, PathQuery(to="Hank"))


def test_a_default_policy_change_is_seen_by_the_next_search(kb: Kithbook, town: Town) -> None:
    kb.book.set_contact_policy(town.bob, town.cat_in_bob, PolicyChange(), follow_defaults=True)
    # Bob's defaults hide everyone; Cat, a member, can still be looked for.
    assert kb.paths.find_paths(town.ann, PathQuery(to="Cat Diaz")).paths == []
    kb.book.set_default_policy(town.bob, OPEN)
    assert len(kb.paths.find_paths(town.ann, PathQuery(to="Cat Diaz")).paths) == 1


def test_a_filter_word_nobody_shows_finds_nothing_without_an_error(kb: Kithbook,
                                                                   town: Town) -> None:
    assert kb.paths.find_paths(town.ann, PathQuery(organization="Initech")).paths == []


def test_asking_for_a_name_and_a_filter_at_once_is_refused(kb: Kithbook, town: Town) -> None:
    with pytest.raises(InvalidInput):
        kb.paths.find_paths(town.ann, PathQuery(to="Cat", organization="Acme"))
    with pytest.raises(InvalidInput):
        kb.paths.find_paths(town.ann, PathQuery())
    with pytest.raises(InvalidInput):
        kb.paths.find_paths(town.ann, PathQuery(to="Cat", k=0))


# ---- a local book ---------------------------------------------------------------------

@pytest.fixture
def me(kb: Kithbook) -> MemberId:
    owner, _ = kb.book.init_local_member("Me")
    for name, org, trust in (("Bob Stone", None, 4), ("Carol Diaz", "Acme", None),
                             ("Dan Ek", "Acme", 2)):
        kb.book.add_contact(owner.id, ContactFields(name=name, organization=org),
                            TieFields(stated_trust=trust))
    return owner.id


def test_a_recorded_link_makes_a_path_in_a_local_book(kb: Kithbook, me: MemberId) -> None:
    assert kb.paths.find_paths(me, PathQuery(to="Carol")).paths == []
    link = kb.paths.record_contact_link(me, "Bob", "Carol", note="works with")
    assert link.created and link.note == "works with"
    found = kb.paths.find_paths(me, PathQuery(to="Carol"))
    assert found.local
    [path] = found.paths
    assert [s.label for s in path.steps] == ["Bob Stone", "Carol Diaz (Acme)"]
    assert path.intro.introducer_contact == path.steps[0].contact
    assert path.intro.target_name == "Carol Diaz"
    view = kb.intros.record_asked_request(me, str(path.intro.introducer_contact),
                                          path.intro.target_name, "Advice on moving to Acme.")
    assert view.target.startswith("Carol Diaz")


def test_a_filter_in_a_local_book_finds_contacts_through_links(kb: Kithbook,
                                                               me: MemberId) -> None:
    kb.paths.record_contact_link(me, "Bob", "Carol")
    kb.paths.record_contact_link(me, "Bob", "Dan", strength=0.9)
    paths = kb.paths.find_paths(me, PathQuery(organization="ACME")).paths
    assert paths[0].steps[-1].label == "Dan Ek (Acme)"  # Bob knows Dan better
    assert {p.steps[-1].label for p in paths} == {"Dan Ek (Acme)", "Carol Diaz (Acme)"}


def test_removing_a_link_removes_its_path_at_once(kb: Kithbook, me: MemberId) -> None:
    kb.paths.record_contact_link(me, "Bob", "Carol")
    assert kb.paths.find_paths(me, PathQuery(to="Carol")).paths
    kb.paths.remove_contact_link(me, "Carol", "Bob")
    assert kb.paths.find_paths(me, PathQuery(to="Carol")).paths == []
    with pytest.raises(NotFound):
        kb.paths.remove_contact_link(me, "Carol", "Bob")


def test_a_link_needs_two_different_contacts_and_a_sane_strength(kb: Kithbook,
                                                                  me: MemberId) -> None:
    with pytest.raises(InvalidInput):
        kb.paths.record_contact_link(me, "Bob", "Bob Stone")
    with pytest.raises(InvalidInput):
        kb.paths.record_contact_link(me, "Bob", "Carol", strength=1.5)
    assert kb.paths.contact_links(me) == []
