"""Depth on the pages: the strength block, its correction form, digest and health."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_contact_page_shows_strength_evidence_stage_and_step(client: TestClient,
                                                             ada: dict[str, Any]) -> None:
    page = client.get(f"/contacts/{ada['id']}").text
    assert "<meter" in page and 'data-testid="strength-value"' in page
    assert "you would vouch for them at 4/5" in page
    assert 'data-testid="stage">new acquaintance' in page
    assert "nothing given or received yet" in page
    client.post(f"/contacts/{ada['id']}/log", data={"kind": "help", "direction": "gave"})
    page = client.get(f"/contacts/{ada['id']}").text
    assert "gave help once" in page and "you gave once, they gave nothing" in page


def test_correcting_and_forgetting_the_strength(client: TestClient,
                                                ada: dict[str, Any]) -> None:
    url = f"/contacts/{ada['id']}"
    done = client.post(f"{url}/strength", data={"strength": "0.75"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}?done=corrected"
    page = client.get(done.headers["location"]).text
    assert "Strength corrected." in page and "you set it to 0.75" in page
    assert "Forget my correction" in page
    page = client.post(f"{url}/strength", data={"clear": "1"}).text
    assert "Correction forgotten" in page and "you set it to" not in page


def test_a_bad_correction_says_what_to_fix(client: TestClient, ada: dict[str, Any]) -> None:
    for value, message in (("lots", "as a number from 0 to 1"), ("2", "between 0 and 1")):
        page = client.post(f"/contacts/{ada['id']}/strength", data={"strength": value})
        assert page.status_code == 422 and message in page.text
    assert client.get(f"/api/v1/contacts/{ada['id']}/strength").json()["correction"] is None


def test_empty_digest_and_health_say_what_to_do(client: TestClient) -> None:
    for url in ("/digest", "/health"):
        page = client.get(url)
        assert page.status_code == 200 and "Your book is empty" in page.text
        assert 'aria-current="page"' in page.text


def test_digest_page_lists_people_and_losing_touch(client: TestClient,
                                                   ada: dict[str, Any]) -> None:
    client.patch(f"/api/v1/contacts/{ada['id']}", json={"cadence_days": 30})
    client.post("/api/v1/interactions", json={"contact_ids": [ada["id"]], "kind": "met",
                                              "direction": "mutual",
                                              "occurred_on": "2026-03-01"})
    page = client.get("/digest", params={"minutes": 60}).text
    assert 'data-testid="digest"' in page and "Ada Lovelace" in page and "Next:" in page
    assert "Losing touch" in page and "days overdue" in page


def test_health_page_serves_its_charts_as_svg_images(client: TestClient,
                                                     ada: dict[str, Any]) -> None:
    page = client.get("/health").text
    assert '<a href="/health/charts/balance.svg"><img src="data:image/svg+xml;base64,' in page
    assert "Reflection" in page
    chart = client.get("/health/charts/balance.svg")
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.startswith("<svg") and "<style" not in chart.text
    assert client.get("/health/charts/secrets.svg").status_code == 404


def test_an_empty_losing_touch_list_says_why_and_suggests_cadences(
        client: TestClient, ada: dict[str, Any]) -> None:
    bea = client.post("/api/v1/contacts", json={"name": "Bea Quiet"}).json()
    for who in (ada, bea):
        client.post("/api/v1/interactions", json={"contact_ids": [who["id"]], "kind": "met",
                                                  "occurred_on": "2025-01-10"})
    page = client.get("/digest").text
    assert "none of your contacts has a keep-in-touch cadence yet" in page
    # The strongest first (Ada, whom you would vouch for), each with one button.
    assert page.index("Ada Lovelace</a> <span") < page.index("Bea Quiet</a> <span")
    assert page.count('action="/contacts/') == 2
    assert f'action="/contacts/{ada["id"]}/cadence"' in page
    set_it = client.post(f"/contacts/{bea['id']}/cadence", data={"cadence_days": "90"})
    assert "Cadence set" in set_it.text and "Bea Quiet" in set_it.text  # now overdue
    assert client.get(f"/api/v1/contacts/{bea['id']}").json()["tie"]["cadence_days"] == 90
    client.patch(f"/api/v1/contacts/{bea['id']}", json={"cadence_days": 3650})
    page = client.get("/digest").text
    assert "the one contact with a keep-in-touch cadence is within it" in page
    refused = client.post(f"/contacts/{bea['id']}/cadence", data={"cadence_days": "soon"})
    assert refused.status_code == 422 and "whole number" in refused.text


def test_breadth_is_said_in_plain_words_with_the_numbers_on_demand(
        client: TestClient) -> None:
    for name, org in (("Ana", "Acme"), ("Bo", "Globex"), ("Cy", "Globex"), ("Di", "Initech")):
        client.post("/api/v1/contacts", json={"name": name, "organization": org})
    page = client.get("/health").text
    assert ("3 different: two of your contacts picked at random have different "
            "organizations 62 times in 100; the most common, Globex, is 50% of them.") in page
    assert "<summary>The numbers</summary>Simpson diversity 0.62" in page
    assert "work at different ones 62% of the time" in page
