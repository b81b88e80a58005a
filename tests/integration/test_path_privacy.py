"""A curious member tries to learn about ties their owners hid.

A generated community of members who know each other and people outside, with every
kind of sharing rule. For each hidden tie, every other member searches by every name in
the community and by every organization, role and tag; everything they get back (paths,
labels, explanations, how many, in what order, and the words of any error) must be the
same as in the community where that tie was never recorded.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import pytest

from community_members import bare_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.services.paths import PathQuery
from kithbook.services.ports import ContactQuery

ORGS = ("Acme", "Globex", "Initech")
HANDLE = re.compile(r"target_handle='[a-z2-7]+'")
ROLES = ("CTO", "Engineer")
FIRST = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon")


@dataclass
class Hidden:
    owner: MemberId
    contact: str


@dataclass
class Community:
    members: list[MemberId]
    names: list[str]
    hidden: list[Hidden]


def _policy(rng: random.Random) -> PolicyChange:
    rule = rng.choice(list(AskRule))
    return PolicyChange(visibility=rng.choice(list(Visibility)), ask_rule=rule,
                        ask_min_trust=rng.randint(2, 4) if rule is AskRule.TRUSTED else None,
                        no_introductions=rng.random() < 0.1)


def _generate(kb: Kithbook, seed: int) -> Community:
    rng = random.Random(seed)
    members = []
    names = []
    for i in range(6):
        m = bare_member(kb, f"{FIRST[i]} Member")
        members.append(m.id)
        names.append(m.name)
    hidden = []

    def add(owner: MemberId, fields: ContactFields, linked: MemberId | None) -> None:
        contact = kb.book.add_contact(owner, fields, TieFields(stated_trust=rng.randint(1, 5))).id
        policy = _policy(rng)
        kb.book.set_contact_policy(owner, contact, policy)
        if linked is not None:
            with kb.uow() as uow:
                uow.contacts.link_member(owner, contact, linked)
                uow.commit()
        if policy.visibility is Visibility.HIDDEN:
            hidden.append(Hidden(owner, contact))

    for i, owner in enumerate(members):
        for j, other in enumerate(members):
            if i != j and rng.random() < 0.6:
                add(owner, ContactFields(name=names[j]), other)
        for n in range(3):
            name = f"{FIRST[(i + n) % len(FIRST)]} Outside{i}{n}"
            names.append(name)
            # Spellings vary, so a label spelled from a hidden contact would show.
            spelling = rng.choice((str.upper, str.lower, str.strip))
            add(owner, ContactFields(name=name, organization=spelling(rng.choice(ORGS)),
                                     role=rng.choice(ROLES),
                                     tags=[rng.choice(("investor", "mentor"))]), None)
    # Every book as its owner has seen it: paths read the strengths books store, and a
    # search brings its searcher's up to date; so the two rounds compared differ in the
    # hidden tie only, not in which books earlier searches happened to store.
    for m in members:
        kb.book.list_contacts(m, ContactQuery())
    return Community(members, names, hidden)


def _queries(c: Community) -> list[PathQuery]:
    return ([PathQuery(to=name, k=10) for name in c.names]
            + [PathQuery(to=name.split()[0], k=10) for name in c.names[:6]]
            + [PathQuery(organization=o, k=10) for o in ORGS]
            + [PathQuery(role=r, k=10) for r in ROLES]
            + [PathQuery(organization="Acme", role="CTO", k=10)]
            + [PathQuery(tag=t, k=3) for t in ("investor", "mentor")])


def _everything_seen(kb: Kithbook, searcher: MemberId, queries: list[PathQuery]) -> list[str]:
    seen = []
    for query in queries:
        try:
            # Each search hands out fresh handles (drawn at random): all else must agree.
            seen.append(HANDLE.sub("target_handle=<handle>",
                                   repr(kb.paths.find_paths(searcher, query))))
        except KithbookError as exc:
            seen.append(f"{type(exc).__name__}: {exc.message} [{exc.field}]")
    return seen


@pytest.mark.parametrize("seed", [1, 2])
def test_no_search_reveals_a_hidden_tie(kb: Kithbook, seed: int) -> None:
    community = _generate(kb, seed)
    queries = _queries(community)
    assert community.hidden, "the generated community should hide some ties"
    some_path = False
    for hidden in community.hidden[:6]:
        others = [m for m in community.members if m != hidden.owner]
        with_tie = {m: _everything_seen(kb, m, queries) for m in others}
        kb.book.delete_contact(hidden.owner, hidden.contact)
        without = {m: _everything_seen(kb, m, queries) for m in others}
        assert with_tie == without
        some_path = some_path or any("FoundPath" in s for v in without.values() for s in v)
    assert some_path, "the test community should have some paths to compare"
