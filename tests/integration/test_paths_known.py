"""Paths a user believes: nobody is offered an introduction to someone they already know,
their own contacts at the target come first, and a tie reads the same number in paths as
in the book (SQLite and PostgreSQL).

A local book: Me knows Chen at Redlight Bank well (several interactions: a contact at
least), Aiko (who knows Chen and Dara) and Dara, a new acquaintance at Redlight Bank.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from tests.integration.test_path_services import OPEN, know, member, person

from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Stage, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery
from kithbook.services.ports import ContactQuery, Sort


def meet(kb: Kithbook, owner: MemberId, name: str, times: int) -> None:
    for n in range(times):
        kb.book.log_interaction(owner, [name], Kind.TALKED if n % 2 else Kind.MET,
                                Direction.MUTUAL, kb.clock.today() - timedelta(days=10 * n + 1))


@pytest.fixture
def me(kb: Kithbook) -> MemberId:
    owner, _ = kb.book.init_local_member("Me")
    for name, org, trust in (("Aiko Sato", None, 4), ("Chen Zhang", "Redlight Bank", 4),
                             ("Dara Okafor", "Redlight Bank", None)):
        kb.book.add_contact(owner.id, ContactFields(name=name, organization=org),
                            TieFields(stated_trust=trust))
    meet(kb, owner.id, "Chen", 6)
    meet(kb, owner.id, "Aiko", 3)
    kb.paths.record_contact_link(owner.id, "Aiko", "Chen", note="works with")
    kb.paths.record_contact_link(owner.id, "Aiko", "Dara")
    return owner.id


def book_strength(kb: Kithbook, owner: MemberId, name: str) -> float:
    [row] = [r for r in kb.book.list_contacts(owner, ContactQuery(text=name)).items
             if r.contact.name.startswith(name)]
    assert row.strength is not None
    return round(row.strength, 2)  # as every face prints it


def test_no_path_offers_an_introduction_to_someone_i_know(kb: Kithbook, me: MemberId) -> None:
    found = kb.paths.find_paths(me, PathQuery(to="Chen"))
    assert found.paths == []
    [chen] = found.known
    assert chen.name == "Chen Zhang" and chen.stage is not Stage.NEW
    assert chen.strength is not None and round(chen.strength, 2) == book_strength(kb, me, "Chen")
    assert found.known_said == "You already know 1 person called Chen."
    assert found.empty_reason is not None and "write to them directly" in found.empty_reason


def test_my_contacts_at_an_organization_come_first_then_paths_to_strangers(
        kb: Kithbook, me: MemberId) -> None:
    found = kb.paths.find_paths(me, PathQuery(organization="redlight bank"))
    assert [k.name for k in found.known] == ["Chen Zhang"]
    assert found.known_said == "You already know 1 person at redlight bank."
    assert [[s.label for s in p.steps] for p in found.paths] == [
        ["Aiko Sato", "Dara Okafor (Redlight Bank)"]]
    assert found.paths[0].summary.startswith("Best: Aiko Sato knows you ")


def test_a_new_acquaintance_becomes_known_after_meeting_twice(kb: Kithbook,
                                                              me: MemberId) -> None:
    assert kb.paths.find_paths(me, PathQuery(to="Dara")).paths
    meet(kb, me, "Dara", 2)
    found = kb.paths.find_paths(me, PathQuery(to="Dara"))
    assert found.paths == [] and [k.name for k in found.known] == ["Dara Okafor"]


def test_a_tie_reads_the_same_number_in_paths_and_in_the_book(kb: Kithbook,
                                                              me: MemberId) -> None:
    [path] = kb.paths.find_paths(me, PathQuery(to="Dara")).paths
    shown = re.search(r"Aiko Sato knows you \w+(?: \w+)? \((\d\.\d\d)\)", path.explanation)
    assert shown is not None, path.explanation
    assert float(shown.group(1)) == book_strength(kb, me, "Aiko")
    # A new interaction changes the book's number; the path follows it.
    meet(kb, me, "Aiko", 5)
    [path] = kb.paths.find_paths(me, PathQuery(to="Dara")).paths
    shown = re.search(r"Aiko Sato knows you \w+(?: \w+)? \((\d\.\d\d)\)", path.explanation)
    assert shown is not None and float(shown.group(1)) == book_strength(kb, me, "Aiko")


def test_an_empty_book_says_what_to_record(kb: Kithbook) -> None:
    owner, _ = kb.book.init_local_member("Me")
    kb.book.add_contact(owner.id, ContactFields(name="Eve Stone", organization="Acme"),
                        TieFields())
    found = kb.paths.find_paths(owner.id, PathQuery(organization="Globex"))
    assert found.paths == [] and found.known == []
    assert found.empty_reason is not None and "Knows" in found.empty_reason


# ---- a community ----------------------------------------------------------------------

def friends(kb: Kithbook, *others: str) -> list[MemberId]:
    """Ann and Bob know each other; Bob knows every other member named."""
    ann, bob = member(kb, "Ann Lee"), member(kb, "Bob Stone")
    know(kb, ann, bob, "Bob Stone")
    know(kb, bob, ann, "Ann Lee")
    rest = [member(kb, name) for name in others]
    for other, name in zip(rest, others, strict=True):
        know(kb, bob, other, name)
    return [ann, bob, *rest]


def test_a_member_i_know_is_listed_not_introduced(kb: Kithbook) -> None:
    ann, _, cat = friends(kb, "Cat Diaz")
    assert [p.steps[-1].label for p in kb.paths.find_paths(ann, PathQuery(to="Cat")).paths] == [
        "Cat Diaz"]
    know(kb, ann, cat, "Cat Diaz")
    meet(kb, ann, "Cat", 3)
    found = kb.paths.find_paths(ann, PathQuery(to="Cat"))
    assert found.paths == [] and [k.name for k in found.known] == ["Cat Diaz"]


def test_a_named_contact_i_know_by_name_is_not_a_path_but_an_anonymous_one_still_is(
        kb: Kithbook) -> None:
    """Matching by name is only done on people shown by name: an anonymous contact is
    never tied to a name in my book, so my book changes nothing about it."""
    ann, bob = friends(kb)
    person(kb, bob, "Dora Named", OPEN)
    person(kb, bob, "Olga Secret", PolicyChange(visibility=Visibility.ANONYMOUS,
                                                 ask_rule=AskRule.ANYONE))
    before = kb.paths.find_paths(ann, PathQuery(organization="Acme"))
    assert sorted(p.steps[-1].label for p in before.paths) == [
        "Dora Named (Acme)", "a contact at Acme"]
    for name in ("Dora Named", "Olga Secret"):
        kb.book.add_contact(ann, ContactFields(name=name, organization="Acme"), TieFields())
        meet(kb, ann, name, 2)
    after = kb.paths.find_paths(ann, PathQuery(organization="Acme"))
    assert [p.steps[-1].label for p in after.paths] == ["a contact at Acme"]
    assert sorted(k.name for k in after.known) == ["Dora Named", "Olga Secret"]


def test_a_member_linked_to_nobody_is_told_how_paths_work(kb: Kithbook) -> None:
    ann, bob = member(kb, "Ann Lee"), member(kb, "Bob Stone")
    person(kb, bob, "Dora Named", OPEN)
    found = kb.paths.find_paths(ann, PathQuery(organization="Acme"))
    assert found.paths == []
    assert found.empty_reason is not None and "linked to a member" in found.empty_reason


def test_my_first_hop_reads_my_books_strength_in_a_community(kb: Kithbook) -> None:
    ann, _, _ = friends(kb, "Cat Diaz")
    meet(kb, ann, "Bob", 4)
    [path] = kb.paths.find_paths(ann, PathQuery(to="Cat")).paths
    shown = re.search(r"You know Bob Stone \w+(?: \w+)? \((\d\.\d\d)\)", path.explanation)
    assert shown is not None, path.explanation
    [row] = kb.book.list_contacts(ann, ContactQuery(sort=Sort.STRENGTH)).items
    assert row.strength is not None and float(shown.group(1)) == round(row.strength, 2)


# ---- the demo -------------------------------------------------------------------------

def test_the_demo_has_paths_to_its_biggest_organization_and_lists_who_i_know_there(
        kb: Kithbook) -> None:
    """As a new user tries it: `make demo`, then the path finder to an organization."""
    owner, _ = kb.book.init_local_member("Me")
    kb.book.build_demo(owner.id, 250, 7)
    links = kb.paths.contact_links(owner.id)
    assert len(links) > 100
    assert any(link.note and link.note.startswith("work together at") for link in links)
    biggest = kb.book.list_contacts(owner.id, ContactQuery(limit=250)).items
    organization = max({r.contact.organization for r in biggest},
                       key=lambda o: sum(r.contact.organization == o for r in biggest))
    found = kb.paths.find_paths(owner.id, PathQuery(organization=organization))
    assert found.known and len(found.paths) == 5
    known = {k.contact for k in found.known}
    assert all(p.steps[-1].contact not in known for p in found.paths)
    scores = [p.score for p in found.paths]
    assert scores == sorted(scores, reverse=True)
