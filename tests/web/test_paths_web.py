"""The path finder page, its pictures, and /api/v1/paths, over a real database."""

from __future__ import annotations

from fastapi.testclient import TestClient
from intro_town import Town, act_as, build_town

from kithbook.domain.contacts import ContactFields
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook


def _local_book(client: TestClient) -> None:
    for body in ({"name": "Bob Stone", "stated_trust": 4},
                 {"name": "Carol Diaz", "organization": "Acme", "role": "CTO"}):
        assert client.post("/api/v1/contacts", json=body).status_code == 201


def _ben_knows_ana(kb: Kithbook, town: Town) -> None:
    """Ben can reach Cleo (anonymous, at Acme) through Ana, who knows Ben back and shows
    it (a hidden tie back to the asker makes Ana a stranger to him)."""
    kb.book.set_contact_policy(town.ana.id, "Ben Ortiz", PolicyChange(
        visibility=Visibility.NAMED, ask_rule=AskRule.NOBODY))
    ana_in_ben = kb.book.add_contact(town.ben.id, ContactFields(name="Ana"),
                                     TieFields(stated_trust=5)).id
    with kb.uow() as uow:
        uow.contacts.link_member(town.ben.id, ana_in_ben, town.ana.id)
        uow.commit()


def test_a_local_path_through_a_recorded_link(client: TestClient, kb: Kithbook) -> None:
    _local_book(client)
    me = client.app.state.local_member  # type: ignore[attr-defined]
    kb.paths.record_contact_link(me.id, "Bob", "Carol", note="works with")
    body = client.get("/api/v1/paths", params={"to": "Carol"}).json()
    assert body["local"] is True
    [path] = body["paths"]
    assert [s["label"] for s in path["steps"]] == ["Bob Stone", "Carol Diaz (CTO, Acme)"]
    [bob] = path["trust"]  # how far you may trust Bob, as the ranking weighed it
    assert 0.1 <= bob <= 1 and f"trust in Bob Stone {bob:.2f}" in path["explanation"]
    intro = path["introduction"]
    assert intro["kind"] == "asked" and intro["target"] == "Carol Diaz"
    made = client.post("/api/v1/introductions", json={
        "kind": "asked", "introducer": intro["introducer"], "target_name": intro["target"],
        "purpose": "Advice on a move to Acme."})
    assert made.status_code == 201, made.text


def test_the_page_shows_ranked_paths_with_pictures_and_a_start_button(
        client: TestClient, kb: Kithbook) -> None:
    _local_book(client)
    me = client.app.state.local_member  # type: ignore[attr-defined]
    kb.paths.record_contact_link(me.id, "Bob", "Carol")
    page = client.get("/paths", params={"organization": "Acme"})
    assert page.status_code == 200
    assert "you → Bob Stone → Carol Diaz (CTO, Acme)" in page.text
    assert 'aria-current="page">Paths</a>' in page.text
    assert "Start an introduction request" in page.text
    assert "style=" not in page.text
    # Words first; the score and its factors only behind "The figures behind it".
    heading = page.text.split('class="path-picture"')[0].rsplit("<h3>", 1)[1]
    assert "score" not in heading
    figures = page.text.split("<summary>The figures behind it</summary>")[1]
    assert "score" in figures.split("</details>")[0]
    picture = client.get("/paths/picture.svg", params={"organization": "Acme", "rank": 1})
    assert picture.status_code == 200
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "Carol Diaz (CTO, Acme)" in picture.text and "style" not in picture.text
    assert client.get("/paths/picture.svg", params={"organization": "Acme",
                                                    "rank": 2}).status_code == 404


def test_the_empty_page_and_mistakes(client: TestClient) -> None:
    assert client.get("/paths").status_code == 200
    _local_book(client)
    empty = client.get("/paths", params={"to": "Carol"}).text
    assert "No warm path to Carol yet" in empty and "Knows" in empty  # why, and what to do
    missing = client.get("/paths", params={"to": "Nobody"})
    assert missing.status_code == 422 and "no contact matches" in missing.text
    both = client.get("/api/v1/paths", params={"to": "Carol", "organization": "Acme"})
    assert both.status_code == 422 and both.json()["error"]["field"] == "to"
    assert client.get("/api/v1/paths", params={"to": "Carol", "k": 0}).status_code == 422


def test_a_community_member_sees_an_anonymous_target_and_asks_for_it(
        client: TestClient, kb: Kithbook) -> None:
    town = build_town(kb, cleo_is_member=False)
    _ben_knows_ana(kb, town)
    act_as(client, town.ben)
    body = client.get("/api/v1/paths", params={"organization": "acme"}).json()
    assert body["local"] is False
    [path] = body["paths"]
    assert path["steps"][-1] == {"label": "a contact at Acme", "anonymous": True,
                                 "member": None}
    assert "Cleo" not in str(body) and "Hal" not in str(body)
    intro = path["introduction"]
    page = client.get("/paths", params={"organization": "acme"})
    assert "Cleo" not in page.text and "Hal" not in page.text
    asked = client.post("/paths/ask", data={
        "introducer": intro["introducer"], "target": intro["target"],
        "purpose": "I'd like advice on hiring a first data engineer."},
        follow_redirects=False)
    assert asked.status_code == 303, asked.text
    assert asked.headers["location"].startswith("/introductions/")


def test_a_hidden_contact_is_not_found_by_name_in_a_community(client: TestClient,
                                                              kb: Kithbook) -> None:
    town = build_town(kb, cleo_is_member=False)
    _ben_knows_ana(kb, town)
    act_as(client, town.ben)
    hidden = client.get("/api/v1/paths", params={"to": "Hal Hidden"})
    absent = client.get("/api/v1/paths", params={"to": "Hal Nobody"})
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"].replace("Hidden", "X") == \
        absent.json()["error"]["message"].replace("Nobody", "X")
    kb.book.edit_contact(town.ana.id, town.hal, ContactFields(name="Hal Hidden",
                                                              organization="Acme"),
                    TieFields(stated_trust=3))
    kb.book.set_contact_policy(town.ana.id, town.hal, PolicyChange(
        visibility=Visibility.NAMED, ask_rule=AskRule.ANYONE))
    [path] = client.get("/api/v1/paths", params={"to": "Hal Hidden"}).json()["paths"]
    assert path["steps"][-1]["label"] == "Hal Hidden (Acme)"


def test_my_own_contacts_at_the_target_come_first_on_the_page_and_in_the_api(
        client: TestClient, kb: Kithbook) -> None:
    _local_book(client)
    me = client.app.state.local_member  # type: ignore[attr-defined]
    listing = client.get("/api/v1/contacts", params={"q": "Carol"}).json()
    carol_id = listing["items"][0]["contact"]["id"]
    for day in ("2026-05-01", "2026-05-20"):
        assert client.post("/api/v1/interactions", json={
            "contact_ids": [carol_id], "kind": "talked", "occurred_on": day}).status_code == 201
    kb.paths.record_contact_link(me.id, "Bob", "Carol")
    body = client.get("/api/v1/paths", params={"organization": "Acme"}).json()
    assert body["paths"] == [] and body["known_total"] == 1
    assert body["known_said"] == "You already know 1 person at Acme."
    [carol] = body["known"]
    listed = client.get("/api/v1/contacts", params={"q": "Carol"}).json()["items"][0]
    assert carol["contact_id"] == listed["contact"]["id"]
    assert (carol["strength"], carol["stage"]) == (listed["strength"], listed["stage"])
    page = client.get("/paths", params={"organization": "Acme"}).text
    assert "You already know 1 person at Acme." in page
    assert f'href="/contacts/{carol["contact_id"]}"' in page
    assert f"strength {listed['strength']:.2f}" in page


def test_knows_on_a_contact_page_refuses_a_name_not_in_the_book_and_keeps_nothing(
        client: TestClient, kb: Kithbook) -> None:
    _local_book(client)
    me = client.app.state.local_member  # type: ignore[attr-defined]
    bob = kb.book.show_contact(me.id, "Bob").contact.id
    missing = client.post(f"/contacts/{bob}/knows", data={"other": "Nobody Here"})
    assert missing.status_code == 422 and "no contact matches" in missing.text
    bad = client.post(f"/contacts/{bob}/knows", data={"other": "Carol", "strength": "lots"})
    assert bad.status_code == 422 and "a number from above 0 to 1" in bad.text
    assert kb.paths.contact_links(me.id) == []
    saved = client.post(f"/contacts/{bob}/knows", data={"other": "Carol", "strength": "0.7"})
    assert saved.status_code == 200 and "Saved who they know." in saved.text
    [link] = kb.paths.contact_links(me.id)
    assert {link.a.name, link.b.name} == {"Bob Stone", "Carol Diaz"} and link.strength == 0.7
