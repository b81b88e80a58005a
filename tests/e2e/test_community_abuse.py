"""A community server attacked by its own members over HTTP: `kithbook serve --community
--workers 2` on a loopback port, on SQLite and on PostgreSQL, with concurrent clients.

- A requester cannot choose which member plays the target of their request.
- A burst of requests cannot get past the cap on open requests.
- A burst of wrong passwords is counted in full.
- Proposing a link and inviting someone answer and act alike whether or not the email
  already belongs to a member.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest

from community_members import add_member
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.fair_use import DEFAULT_MAX_OPEN
from kithbook.domain.ids import IntroId
from kithbook.domain.members import Member, Role
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.accounts import throttle_key
from kithbook.services.facade import Kithbook
from served import bearer as _token
from served import community_servers, services_for_servers
from served import session_client as _browser

pytestmark = [pytest.mark.slow]
PASSWORD = "lantern orbit velvet"
PURPOSE = "advice on hiring a first data engineer for a small team"
BURST = 12
LOGIN_BURST = 30


@pytest.fixture
def kb(database_url: str) -> Iterator[Kithbook]:
    with services_for_servers(database_url) as services:
        yield services


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    """One community server with two worker processes."""
    with community_servers(database_url, tmp_path, 2) as (base,):
        yield base


# ---- who plays the target ----------------------------------------------------------------

def _yolanda_town(kb: Kithbook) -> tuple[Member, Member, Member, str]:
    """Alice shows her contact Yolanda anonymously ("a contact at Acme") and lets anyone
    ask; Yolanda is linked to no member. Bob asks; Carol is a member with no part in it."""
    alice, bob, carol = add_member(kb, "Alice"), add_member(kb, "Bob"), add_member(kb, "Carol")
    yolanda = kb.book.add_contact(alice.id, ContactFields(
        name="Yolanda Anonymo", organization="Acme", emails=[Labeled("yolanda@acme.example")]
    )).id
    kb.book.set_contact_policy(alice.id, yolanda, PolicyChange(visibility=Visibility.ANONYMOUS,
                                                               ask_rule=AskRule.ANYONE))
    return alice, bob, carol, yolanda


def _sees(base: str, auth: dict[str, str], intro: str) -> bool:
    mine = httpx2.get(f"{base}/api/v1/introductions", headers=auth, timeout=30).json()
    one = httpx2.get(f"{base}/api/v1/introductions/{intro}", headers=auth, timeout=30)
    notes = httpx2.get(f"{base}/api/v1/notifications", headers=auth, timeout=30).json()
    listed = intro in {i["id"] for i in mine["items"]}
    assert listed == (one.status_code == 200)
    return listed or any(n["intro_id"] == intro for n in notes)


def test_the_api_refuses_a_target_member_named_by_the_requester(kb: Kithbook,
                                                                server: str) -> None:
    alice, bob, carol, yolanda = _yolanda_town(kb)
    forged = httpx2.post(f"{server}/api/v1/introductions", headers=_token(kb, bob), json={
        "kind": "member", "introducer": alice.id, "target": yolanda,
        "target_member": carol.id, "purpose": PURPOSE}, timeout=30)
    assert forged.status_code == 422, forged.text
    assert "target_member" in forged.text
    assert kb.intros.list_introductions(alice.id) == []  # nothing was filed


def test_a_forged_target_member_in_the_ask_form_never_reaches_that_member(
        kb: Kithbook, server: str) -> None:
    alice, bob, carol, yolanda = _yolanda_town(kb)
    browser, csrf = _browser(kb, server, bob)
    with browser:
        asked = browser.post("/paths/ask", data={
            "csrf_token": csrf, "introducer": alice.id, "target": yolanda,
            "target_member": carol.id, "purpose": PURPOSE})
    assert asked.status_code == 303, asked.text
    intro = asked.headers["location"].split("/")[-1].split("?")[0]
    forwarded = httpx2.post(f"{server}/api/v1/introductions/{intro}/forward",
                            headers=_token(kb, alice), json={"note": None}, timeout=30)
    assert forwarded.status_code == 200, forwarded.text
    carol_auth = _token(kb, carol)
    assert not _sees(server, carol_auth, intro)
    accepted = httpx2.post(f"{server}/api/v1/introductions/{intro}/accept",
                           headers=carol_auth, json={"note": None}, timeout=30)
    assert accepted.status_code == 404
    # Yolanda is off the platform: Alice answers for her.
    with kb.uow().reading() as uow:
        stored = uow.introductions.get(IntroId(intro))
    assert stored is not None and stored.target.member is None


def test_the_target_member_is_the_one_the_introducer_linked(kb: Kithbook,
                                                           server: str) -> None:
    alice, bob, carol, yolanda = _yolanda_town(kb)
    member = add_member(kb, "Yolanda")
    kb.community.propose_link(alice.id, yolanda, member.email or "")
    [link] = kb.community.member_links(member.id)
    kb.community.confirm_link(member.id, link.id)
    asked = httpx2.post(f"{server}/api/v1/introductions", headers=_token(kb, bob), json={
        "kind": "member", "introducer": alice.id, "target": yolanda, "purpose": PURPOSE},
        timeout=30)
    assert asked.status_code == 201, asked.text
    intro = asked.json()["id"]
    httpx2.post(f"{server}/api/v1/introductions/{intro}/forward",
                headers=_token(kb, alice), json={"note": None}, timeout=30).raise_for_status()
    assert _sees(server, _token(kb, member), intro)
    assert not _sees(server, _token(kb, carol), intro)


# ---- the cap on open requests under a burst ----------------------------------------------

def test_a_burst_of_requests_stops_at_the_cap(kb: Kithbook, server: str) -> None:
    alice, bob, _, yolanda = _yolanda_town(kb)
    auth = _token(kb, bob)

    def ask(_: int) -> int:
        # A client of its own each: new connections, spread over both workers.
        return httpx2.post(f"{server}/api/v1/introductions", headers=auth, json={
            "kind": "member", "introducer": alice.id, "target": yolanda,
            "purpose": PURPOSE}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        codes = list(pool.map(ask, range(BURST)))
    assert sorted(codes) == [201] * DEFAULT_MAX_OPEN + [403] * (BURST - DEFAULT_MAX_OPEN), \
        f"{codes.count(201)} filed against a cap of {DEFAULT_MAX_OPEN}: {codes}"
    assert kb.intros.fair_use_status(bob.id).open_requests == DEFAULT_MAX_OPEN
    assert len(kb.intros.list_introductions(alice.id)) == DEFAULT_MAX_OPEN


# ---- login throttling under a burst ------------------------------------------------------

def test_every_failed_login_of_a_burst_is_counted(kb: Kithbook, server: str) -> None:
    member = add_member(kb, "Grace", password=PASSWORD)

    def attempt(n: int) -> int:
        return httpx2.post(f"{server}/login", data={
            "email": member.email or "", "password": f"wrong guess {n}"},
            headers={"Origin": server}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=LOGIN_BURST) as pool:
        codes = list(pool.map(attempt, range(LOGIN_BURST)))
    assert set(codes) <= {422, 429}, codes
    heard = codes.count(422)  # answered "that email and password do not match"
    with kb.uow().reading() as uow:
        pair = uow.accounts.throttle(throttle_key("pair", member.email or "", "127.0.0.1"))
        address = uow.accounts.throttle(throttle_key("address", "127.0.0.1"))
    assert pair is not None and address is not None
    assert pair.failures == heard == address.failures, codes
    # The right password is not heard while the pair is paused.
    right = httpx2.post(f"{server}/login", data={"email": member.email or "",
                                                 "password": PASSWORD},
                        headers={"Origin": server}, timeout=60)
    assert right.status_code in (303, 429)


# ---- who has an account: links and invitations -------------------------------------------

def _shape(value: Any, *replaced: str) -> Any:
    """A JSON answer with ids, times and the given strings put to one side."""
    text = repr(value)
    for word in replaced:
        text = text.replace(word, "<x>")
    text = re.sub(r"'[a-z0-9]{12}'", "'<id>'", text)
    return re.sub(r"'\d{4}-\d\d-\d\dT[^']*'", "'<time>'", text)


def test_a_link_proposal_reads_alike_for_a_member_and_a_stranger(kb: Kithbook,
                                                                 server: str) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    auth = _token(kb, ana)
    answers = []
    for name, email in (("Ben Ortiz", ben.email or ""), ("Zed Nobody", "zed@example.org")):
        contact = kb.book.add_contact(ana.id, ContactFields(name=name)).id
        answer = httpx2.post(f"{server}/api/v1/links", headers=auth,
                             json={"contact": contact, "email": email}, timeout=30)
        answers.append((answer.status_code, answer.text))
    assert answers[0] == answers[1] == (202, "")
    mine = httpx2.get(f"{server}/api/v1/links", headers=auth, timeout=30).json()
    assert len(mine) == 2, mine
    assert _shape(mine[0], "Ben Ortiz", ben.email or "") == _shape(
        mine[1], "Zed Nobody", "zed@example.org")
    browser, _ = _browser(kb, server, ana)
    with browser:
        page = browser.get("/links").text
    assert "Ben Ortiz" in page and "Zed Nobody" in page
    assert not re.search(r"\bBen\b(?! Ortiz)", page)  # the member's name is not told
    # Ben still sees the proposal and can confirm it; from then on Ana sees his name.
    [incoming] = kb.community.member_links(ben.id)
    kb.community.confirm_link(ben.id, incoming.id)
    names = {link["other_name"] for link in
             httpx2.get(f"{server}/api/v1/links", headers=auth, timeout=30).json()}
    assert names == {"Ben", "zed@example.org"}


def test_an_invitation_reads_alike_for_a_member_and_a_stranger(kb: Kithbook,
                                                               server: str) -> None:
    admin = add_member(kb, "Ada", Role.ADMIN)
    ben = add_member(kb, "Ben")
    auth = _token(kb, admin)
    answers = [httpx2.post(f"{server}/api/v1/invitations", headers=auth,
                           json={"email": email}, timeout=30)
               for email in (ben.email or "", "newcomer@example.org")]
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    shapes = [_shape({k: v for k, v in a.json().items() if k != "link"}, email)
              for a, email in zip(answers, (ben.email or "", "newcomer@example.org"),
                                  strict=True)]
    assert shapes[0] == shapes[1]
    tokens = [a.json()["link"].rsplit("/", 1)[-1] for a in answers]
    pages = [httpx2.get(f"{server}/invitations/{t}", timeout=30) for t in tokens]
    assert [p.status_code for p in pages] == [200, 200]
    assert pages[0].text.replace(ben.email or "", "<x>") == pages[1].text.replace(
        "newcomer@example.org", "<x>")
    # Whoever holds the link for an account that exists cannot make a second account.
    taken = httpx2.post(f"{server}/invitations/{tokens[0]}", headers={"Origin": server},
                        data={"name": "Not Ben", "password": PASSWORD}, timeout=30)
    assert taken.status_code == 404
    assert "Not Ben" not in [row.member.name for row in kb.community.community_members(admin.id)]
