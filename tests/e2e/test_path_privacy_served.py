"""Warm paths on a served community (`kithbook serve --community`), searched over HTTP as
a curious member would, on SQLite and on PostgreSQL.

- An explanation tells other members' ties only in words: never their strength, agree
  chance or stated trust, beyond what the owner's own rule discloses.
- A contact shown anonymously ("a contact at Acme Corp") discloses its organization only:
  a search naming its role, location or tag never finds it, and the handle a search gives
  for it changes with every search, so results cannot be joined; only the searcher can
  ask with it, through the API and the form alike.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from community_members import add_member
from explanations import lines_telling_others_ties
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import ContactId
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from served import bearer as _token
from served import community_servers, services_for_servers
from served import session_client as _browser

pytestmark = [pytest.mark.slow]


@pytest.fixture
def kb(database_url: str) -> Iterator[Kithbook]:
    with services_for_servers(database_url) as services:
        yield services


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    with community_servers(database_url, tmp_path, 1) as (base,):
        yield base


def _knows(kb: Kithbook, owner: Member, name: str, *, trust: int | None = None,
           member: Member | None = None, policy: PolicyChange | None = None,
           **fields: object) -> ContactId:
    """A contact in `owner`'s book (linked to `member`, as if both had confirmed)."""
    contact = kb.book.add_contact(owner.id, ContactFields(name=name, **fields),  # type: ignore[arg-type]
                                  TieFields(stated_trust=trust)).id
    kb.book.set_contact_policy(owner.id, contact, policy or PolicyChange(
        visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE))
    if member is not None:
        with kb.uow() as uow:
            uow.contacts.link_member(owner.id, contact, member.id)
            uow.commit()
    return ContactId(contact)


# ---- explanations ----------------------------------------------------------------------

@dataclass
class Chain:
    bob: Member
    alice: Member
    carol: Member


def _chain(kb: Kithbook) -> Chain:
    """Bob → Alice → Carol → Quentin. Carol trusts Alice at 2 and knows her a little; she
    lets people she trusts at 2 or more ask about Quentin."""
    bob, alice, carol = (add_member(kb, n) for n in ("Bob", "Alice", "Carol"))
    _knows(kb, bob, "Alice Tester", trust=4, member=alice)
    _knows(kb, alice, "Bob Tester", trust=3, member=bob)
    _knows(kb, alice, "Carol Tester", trust=4, member=carol)
    _knows(kb, carol, "Alice Tester", trust=2, member=alice)
    _knows(kb, carol, "Quentin Quill", trust=5, organization="Acme Corp",
           policy=PolicyChange(visibility=Visibility.NAMED, ask_rule=AskRule.TRUSTED,
                               ask_min_trust=2))
    return Chain(bob, alice, carol)


def _why(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<pre class="why">(.*?)</pre>', page,
                                                 re.DOTALL)]


def test_an_explanation_never_shows_another_members_tie_figures_or_trust(
        kb: Kithbook, server: str) -> None:
    chain = _chain(kb)
    found = httpx2.get(f"{server}/api/v1/paths", params={"to": "Quentin"},
                       headers=_token(kb, chain.bob), timeout=30)
    assert found.status_code == 200, found.text
    [path] = found.json()["paths"]
    assert [s["label"] for s in path["steps"]][-1].startswith("Quentin Quill")
    browser, _ = _browser(kb, server, chain.bob)
    with browser:
        page = browser.get("/paths", params={"to": "Quentin"})
    assert page.status_code == 200, page.text
    [shown] = _why(page.text)
    for text in (path["explanation"], shown):
        assert lines_telling_others_ties(text) == [], text
        assert "trusts Alice" not in text and "trusts you" not in text
        # Carol's own rule says this much, and Alice met it: that may be told.
        assert "lets people they trust at 2 or more ask; Alice is one of them" in text, text
        assert "Carol knows Alice a little" in text, text
        # Bob's own tie to Alice is his: its figure may show.
        assert re.search(r"You know Alice \w[\w ]* \(\d\.\d\d\)\.", text), text


# ---- an anonymous contact ------------------------------------------------------------

PURPOSE = "advice on raising a first round from investors who know hardware"


@dataclass
class Probed:
    bob: Member
    alice: Member
    carol: Member
    yolanda: ContactId  # anonymous in Alice's book
    nina: ContactId  # named in Alice's book, with the same role, city and tag


def _probed(kb: Kithbook) -> Probed:
    bob, alice, carol = (add_member(kb, n) for n in ("Bob", "Alice", "Carol"))
    _knows(kb, bob, "Alice Tester", trust=4, member=alice)
    _knows(kb, carol, "Alice Tester", trust=4, member=alice)
    _knows(kb, alice, "Bob Tester", trust=4, member=bob)
    _knows(kb, alice, "Carol Tester", trust=4, member=carol)
    yolanda = _knows(kb, alice, "Yolanda Anonymo", trust=4, organization="Acme Corp",
                     role="CTO", location="Oslo", tags=["investory"],
                     policy=PolicyChange(visibility=Visibility.ANONYMOUS,
                                         ask_rule=AskRule.ANYONE))
    nina = _knows(kb, alice, "Nina Named", trust=4, organization="Globex", role="CTO",
                  location="Oslo", tags=["investory"])
    return Probed(bob, alice, carol, yolanda, nina)


def _labels(found: httpx2.Response) -> list[str]:
    assert found.status_code == 200, found.text
    return [p["steps"][-1]["label"] for p in found.json()["paths"]]


def test_an_anonymous_contacts_undisclosed_fields_never_match(kb: Kithbook,
                                                               server: str) -> None:
    town = _probed(kb)
    bob = _token(kb, town.bob)

    def search(**query: str) -> httpx2.Response:
        return httpx2.get(f"{server}/api/v1/paths", params=query, headers=bob, timeout=30)

    # What Alice discloses is found: her anonymous contact by organization, Nina by all.
    assert _labels(search(organization="Acme Corp")) == ["a contact at Acme Corp"]
    assert _labels(search(role="CTO")) == ["Nina Named (CTO, Globex)"]
    # Role, city and tag are Yolanda's, undisclosed: no guess finds her.
    for probe in ({"organization": "Acme Corp", "role": "CTO"},
                  {"organization": "Acme Corp", "location": "Oslo"},
                  {"organization": "Acme Corp", "tag": "investory"},
                  {"location": "Oslo"}, {"tag": "investory"}):
        assert "a contact at Acme Corp" not in _labels(search(**probe)), probe
    browser, _ = _browser(kb, server, town.bob)
    with browser:
        for probe in ({"organization": "Acme Corp", "role": "CTO"}, {"location": "Oslo"},
                      {"tag": "investory"}):
            page = browser.get("/paths", params=probe)
            assert page.status_code == 200, page.text
            assert "a contact at Acme Corp" not in page.text, probe


def test_a_search_hands_out_a_handle_only_its_searcher_can_ask_with(kb: Kithbook,
                                                                    server: str) -> None:
    town = _probed(kb)
    bob = _token(kb, town.bob)
    handles = []
    for _ in range(2):
        found = httpx2.get(f"{server}/api/v1/paths", params={"organization": "Acme Corp"},
                           headers=bob, timeout=30)
        [path] = found.json()["paths"]
        assert town.yolanda not in found.text
        handles.append(path["introduction"]["target"])
    assert handles[0] != handles[1]  # nothing to join two searches by

    def ask(auth: dict[str, str], target: str) -> httpx2.Response:
        return httpx2.post(f"{server}/api/v1/introductions", headers=auth, json={
            "kind": "member", "introducer": town.alice.id, "target": target,
            "purpose": PURPOSE}, timeout=30)

    # Carol, whom Alice lets ask as well, cannot use Bob's handle: it reads like a
    # handle nobody was given.
    borrowed, forged = ask(_token(kb, town.carol), handles[0]), ask(
        _token(kb, town.carol), "a" * len(handles[0]))
    assert borrowed.status_code == forged.status_code == 403, borrowed.text
    assert borrowed.json() == forged.json()
    asked = ask(bob, handles[0])
    assert asked.status_code == 201, asked.text
    assert asked.json()["target"] == "a contact at Acme Corp"
    [seen] = kb.intros.list_introductions(town.alice.id)
    assert seen.target == "Yolanda Anonymo"  # Alice knows whom Bob asked about
    # The page's form carries its own search's handle, and asking through it works too.
    browser, csrf = _browser(kb, server, town.bob)
    with browser:
        page = browser.get("/paths", params={"organization": "Acme Corp"})
        assert town.yolanda not in page.text
        [handle] = re.findall(r'name="target" value="([^"]+)"', page.text)
        assert handle not in handles
        by_form = browser.post("/paths/ask", data={
            "csrf_token": csrf, "introducer": town.alice.id, "target": handle,
            "purpose": PURPOSE + " (again, by the form)"})
    assert by_form.status_code == 303, by_form.text
    assert len(kb.intros.list_introductions(town.alice.id)) == 2
