"""The network map page and /api/v1/map, over a real database."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from community import community_app, signed_in
from fastapi.testclient import TestClient
from markupsafe import escape

from community_members import add_member
from fakes import FixedClock
from kithbook.domain.contacts import ContactFields
from kithbook.domain.interactions import Direction, Kind
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Zoë <script>alert("x")</script> & "Co" \'quoted\''


def _me(client: TestClient) -> object:
    client.get("/map")  # the local member exists once a page has been asked for
    return client.app.state.local_member  # type: ignore[attr-defined]


def _book(client: TestClient, kb: Kithbook) -> dict[str, str]:
    """Six contacts: Ada is the strongest tie (trusted at 5, met often), Zed the weakest."""
    me = _me(client).id  # type: ignore[attr-defined]
    ids = {}
    for name, org, tags, trust, meetings in (
            ("Ada Lovelace", "Analytical Engines", ["mentor"], 5, 6),
            ("Bob Stone", "Acme", ["climate"], 4, 3),
            ("Carol Diaz", "Acme", ["climate", "mentor"], 3, 2),
            ("Dan Ito", "Globex", [], 2, 1),
            (HOSTILE, "<b>Evil</b> & Sons", ["mentor"], 1, 0),
            ("Zed Last", None, [], None, 0)):
        contact = kb.book.add_contact(me, ContactFields(name=name, organization=org, tags=tags),
                                      TieFields(stated_trust=trust))
        for _ in range(meetings):
            kb.book.log_interaction(me, [contact.id], Kind.ADVICE, Direction.MUTUAL,
                                    kb.clock.today())
        ids[name] = contact.id
    kb.paths.record_contact_link(me, ids["Bob Stone"], ids["Carol Diaz"], note="work together")
    return ids


def _svg_of(page: str) -> ElementTree.Element:
    found = re.search(r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network-map\".*?</svg>",
                      page, flags=re.DOTALL)
    assert found, "no map on the page"
    return ElementTree.fromstring(found.group(0))  # well-formed: every name was escaped


def test_every_circle_links_to_its_contact_page(client: TestClient, kb: Kithbook) -> None:
    ids = _book(client, kb)
    response = client.get("/map")
    assert response.status_code == 200
    svg = _svg_of(response.text)
    links = {a.get("href"): a.findtext(f"{SVG}title") for a in svg.iter(f"{SVG}a")}
    assert set(links) == {f"/contacts/{i}" for i in ids.values()}
    assert links[f"/contacts/{ids['Ada Lovelace']}"].startswith("Ada Lovelace (Analytical")
    for href in links:
        assert client.get(href).status_code == 200
    assert 'aria-current="page"' in response.text.split('href="/map"')[1][:30]
    # The key says what distance, size and dashed lines mean.
    key = response.text.split('data-testid="map-key">')[1].split("</p>")[0]
    assert "Distance from you" in key and "circle size" in key and "Dashed lines" in key
    assert "thin line" in key  # what leads a name written outside the crowd to its circle


def _names(client: TestClient, **params: object) -> list[str]:
    body = client.get("/api/v1/map", params=params).json()
    return [n["name"] for n in body["nodes"]]


def test_hostile_names_are_shown_as_text(client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    for colour in ("stage", "organization"):
        page = client.get("/map", params={"colour": colour}).text
        assert "<script>alert" not in page and "<b>Evil" not in page
        svg = _svg_of(page)
        titles = [a.findtext(f"{SVG}title") for a in svg.iter(f"{SVG}a")]
        assert any(t.startswith(HOSTILE) for t in titles)
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Sons" in page  # in the legend, as text
    # and in the list under the picture, name and organization
    assert f'">{escape(HOSTILE)}</a> <span class="sub">&lt;b&gt;Evil' in page
    picture = client.get("/api/v1/map", params={"format": "svg", "colour": "organization"})
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert "<script>" not in picture.text
    ElementTree.fromstring(picture.text)


def test_an_empty_book_explains_what_the_map_will_show(client: TestClient) -> None:
    response = client.get("/map")
    assert response.status_code == 200
    assert "Your book is empty" in response.text and 'href="/import"' in response.text
    assert 'class="network-map"' not in response.text
    body = client.get("/api/v1/map").json()
    assert body["nodes"] == [] and body["book_size"] == 0 and body["left_out"] == 0


def test_filters_pick_who_is_drawn(client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    assert sorted(_names(client, tag="Mentor")) == sorted(["Ada Lovelace", "Carol Diaz",
                                                           HOSTILE])
    assert sorted(_names(client, organization="acme")) == ["Bob Stone", "Carol Diaz"]
    assert _names(client, tag="mentor", organization="analytical") == ["Ada Lovelace"]
    assert _names(client, tag="nobody-has-this") == []
    stages = {n["stage"] for n in client.get("/api/v1/map").json()["nodes"]}
    for stage in stages:
        drawn = client.get("/api/v1/map", params={"stage": stage}).json()["nodes"]
        assert drawn and {n["stage"] for n in drawn} == {stage}
    page = client.get("/map", params={"tag": "nobody-has-this"}).text
    assert "No one in your book matches these filters" in page


def test_the_limit_keeps_the_strongest_and_says_how_many_are_left_out(
        client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    everyone = client.get("/api/v1/map").json()
    strengths = [n["strength"] for n in everyone["nodes"]]
    assert strengths == sorted(strengths, reverse=True)
    assert everyone["nodes"][0]["name"] == "Ada Lovelace"
    two = client.get("/api/v1/map", params={"limit": 2}).json()
    assert [n["name"] for n in two["nodes"]] == [n["name"] for n in everyone["nodes"][:2]]
    assert (two["shown"], two["matching"], two["left_out"]) == (2, 6, 4)
    page = client.get("/map", params={"limit": 2}).text
    assert "Showing the 2 strongest of 6" in page and "4 weaker ties left out" in page
    assert len(list(_svg_of(page).iter(f"{SVG}a"))) == 2


def test_stronger_ties_are_drawn_nearer_the_member(client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    nodes = {n["name"]: n for n in client.get("/api/v1/map").json()["nodes"]}

    def distance(name: str) -> float:
        return float((nodes[name]["x"] ** 2 + nodes[name]["y"] ** 2) ** 0.5)

    assert distance("Ada Lovelace") < distance("Zed Last")


def test_colour_by_organization_has_a_legend(client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    page = client.get("/map", params={"colour": "organization"}).text
    legend = page.split('class="legend"')[1].split("</ul>")[0]
    assert "Acme" in legend and "no organization" in legend
    by_stage = client.get("/map").text.split('class="legend"')[1].split("</ul>")[0]
    assert "trusted" in by_stage and "new acquaintance" in by_stage


def test_bad_filters_say_what_to_fix(client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    page = client.get("/map", params={"stage": "best friends"})
    assert page.status_code == 422
    assert "the stages are new acquaintance, contact, relationship, trusted" in page.text
    assert client.get("/map", params={"colour": "mood"}).status_code == 422
    api = client.get("/api/v1/map", params={"stage": "best friends"})
    assert api.status_code == 422 and api.json()["error"]["field"] == "stage"
    assert client.get("/api/v1/map", params={"limit": 301}).status_code == 422
    assert client.get("/api/v1/map", params={"format": "png"}).status_code == 422


def test_the_map_follows_the_book_as_it_changes(client: TestClient) -> None:
    assert client.get("/api/v1/map").json()["nodes"] == []
    assert client.post("/api/v1/contacts", json={"name": "New Friend"}).status_code == 201
    assert _names(client) == ["New Friend"]


def test_recorded_links_join_contacts_on_the_map(client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    body = client.get("/api/v1/map").json()
    [link] = body["links"]
    ends = {body["nodes"][link["a"]]["name"], body["nodes"][link["b"]]["name"]}
    assert ends == {"Bob Stone", "Carol Diaz"}


def test_in_a_community_each_member_sees_only_their_own_book(kb: Kithbook) -> None:
    app = community_app(kb)
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    secret = kb.book.add_contact(ana.id, ContactFields(name="Cleo Secret", organization="Acme"),
                                 TieFields(stated_trust=5))
    kb.book.add_contact(ben.id, ContactFields(name="Dan Own"))
    ana_browser, _ = signed_in(kb, app, ana)
    ben_browser, _ = signed_in(kb, app, ben)
    with ana_browser, ben_browser:
        assert _names(ana_browser) == ["Cleo Secret"]
        for params in ({}, {"organization": "Acme"}, {"tag": "x"}, {"limit": 300}):
            assert "Cleo" not in ben_browser.get("/map", params=params).text
            assert "Cleo" not in ben_browser.get("/api/v1/map", params={
                **params, "format": "svg"}).text
        assert _names(ben_browser) == ["Dan Own"]
        assert ben_browser.get("/api/v1/map", params={"organization": "Acme"}).json()[
            "book_size"] == 1
        assert secret.id not in ben_browser.get("/api/v1/map").text


def test_each_node_shows_the_strength_and_stage_its_contact_page_shows(
        client: TestClient, kb: Kithbook) -> None:
    _book(client, kb)
    for node in client.get("/api/v1/map").json()["nodes"]:
        tie = client.get(f"/api/v1/contacts/{node['contact']}/strength").json()
        assert (node["stage"], node["strength"]) == (tie["stage"], round(tie["strength"], 2))


def test_on_a_new_day_the_map_catches_up_with_the_contact_pages(
        client: TestClient, kb: Kithbook, clock: FixedClock) -> None:
    _book(client, kb)
    before = client.get("/api/v1/map").json()["nodes"]
    clock.advance(200)
    # The first view may draw yesterday's numbers; today's are stored right after it.
    assert client.get("/map").status_code == 200
    after = client.get("/api/v1/map").json()["nodes"]
    assert after[0]["strength"] < before[0]["strength"]
    for node in after:
        tie = client.get(f"/api/v1/contacts/{node['contact']}/strength").json()
        assert (node["stage"], node["strength"]) == (tie["stage"], round(tie["strength"], 2))


def test_recording_who_knows_whom_on_the_map_keeps_the_filters_or_says_what_to_fix(
        client: TestClient) -> None:
    for name in ("Bob Stone", "Erin Park"):
        assert client.post("/api/v1/contacts", json={"name": name}).status_code == 201
    wrong = client.post("/map/knows", data={"a": "Bob", "b": "Nobody", "colour": "stage",
                                            "limit": "20"})
    assert wrong.status_code == 422 and "Nobody" in wrong.text
    assert 'value="Bob"' in wrong.text  # what was typed is kept
    same = client.post("/map/knows", data={"a": "Bob", "b": "Bob Stone"})
    assert same.status_code == 422 and "two different contacts" in same.text
    done = client.post("/map/knows", data={"a": "Bob", "b": "Erin", "note": "works with",
                                           "colour": "organization", "limit": "20"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == (
        "/map?colour=organization&limit=20&done=knows_drawn#knows-on-map")
    drawn = client.get(done.headers["location"])
    assert "a dashed line joins them" in drawn.text and 'stroke-dasharray' in drawn.text
