"""Old dates typed into the web form and the API, then every page and API read answers.

A 1969-12-31 interaction once turned the book, digest, health, map, contact pages and
`/api/v1/contacts` into server errors. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import urldefrag, urlsplit

from fastapi.testclient import TestClient

from kithbook.services.facade import Kithbook

_HREF = re.compile(r'(?:href|src)="([^"]+)"')
_API_READS = ("/api/v1/contacts", "/api/v1/digest", "/api/v1/losing-touch", "/api/v1/health",
              "/api/v1/map", "/api/v1/introductions", "/api/v1/duplicates",
              "/api/v1/export?format=json", "/api/v1/export?format=vcard",
              "/api/v1/export?format=csv", "/api/v1/me/profile", "/api/v1/policies/default",
              "/api/v1/paths?organization=Navy")


def crawl(client: TestClient, start: str = "/", limit: int = 300) -> dict[str, int]:
    """Every page reachable by links from `start`, with the status each answered."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if "html" not in response.headers.get("content-type", ""):
            continue
        for found in _HREF.findall(response.text):
            link = urldefrag(unescape(found)).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or link in seen:
                continue
            queue.append(link)
    return seen


def add_grace(client: TestClient) -> str:
    added = client.post("/contacts", data={"name": "Grace Hopper", "organization": "Navy",
                                           "tags": "pioneers", "cadence_days": "30"},
                        follow_redirects=False)
    assert added.status_code == 303, added.text
    return added.headers["location"].split("?")[0]


def test_a_1969_interaction_from_the_form_leaves_every_page_answering(
        client: TestClient) -> None:
    url = add_grace(client)
    for day in ("1969-12-31", "1965-06-01", "0001-01-01"):
        logged = client.post(f"{url}/log", data={"kind": "met", "direction": "mutual",
                                                 "occurred_on": day})
        assert logged.status_code == 200, logged.text
        # Back-dated: the keep-in-touch clock does not restart today.
        assert "Logged" in logged.text and "clock restarts today" not in logged.text
    contact_id = url.rsplit("/", 1)[1]

    pages = crawl(client)
    assert url in pages and {"/", "/digest", "/health", "/map"} <= set(pages)
    assert {u: s for u, s in pages.items() if s != 200} == {}
    for api in (*_API_READS, f"/api/v1/contacts/{contact_id}",
                f"/api/v1/contacts/{contact_id}/strength"):
        assert client.get(api).status_code == 200, api

    page = client.get(url).text
    assert "1969-12-31" in page and "1965-06-01" in page and "0001-01-01" in page
    detail = client.get(f"/api/v1/contacts/{contact_id}").json()
    assert {"1969-12-31", "1965-06-01", "0001-01-01"} <= {
        i["occurred_on"] for i in detail["timeline"]}


def test_a_date_out_of_range_in_the_form_says_what_to_fix_and_stores_nothing(
        client: TestClient, kb: Kithbook) -> None:
    url = add_grace(client)
    tomorrow = (kb.clock.today() + timedelta(days=1)).isoformat()
    for typed, says in (("0000-12-31", "0001-01-01"), ("10000-01-01", "0001-01-01"),
                        ("1969-02-30", "0001-01-01"), ("3000 years ago", "0001-01-01"),
                        (tomorrow, "in the future")):
        page = client.post(f"{url}/log", data={"kind": "met", "occurred_on": typed})
        assert page.status_code == 422, typed
        assert says in unescape(page.text), typed
        assert f'value="{typed}"' in page.text  # what was typed stays to be corrected
    contact_id = url.rsplit("/", 1)[1]
    assert client.get(f"/api/v1/contacts/{contact_id}").json()["timeline"] == []


def test_the_api_takes_any_day_from_year_one_and_refuses_the_rest_clearly(
        client: TestClient, kb: Kithbook) -> None:
    made = client.post("/api/v1/contacts", json={"name": "Grace Hopper",
                                                 "started_on": "0001-01-01"})
    assert made.status_code == 201, made.text
    grace = made.json()["id"]
    logged = client.post("/api/v1/interactions", json={
        "contact_ids": [grace], "kind": "met", "occurred_on": "1969-12-31"})
    assert logged.status_code == 201, logged.text
    tomorrow = (kb.clock.today() + timedelta(days=1)).isoformat()
    for day, says in (("0000-12-31", "0001-01-01"), ("10000-01-01", "0001-01-01"),
                      (tomorrow, "in the future")):
        refused = client.post("/api/v1/interactions", json={
            "contact_ids": [grace], "kind": "met", "occurred_on": day})
        assert refused.status_code == 422, day
        error = refused.json()["error"]
        assert says in error["message"] and error["field"] in ("occurred_on", "date"), error
    late = client.patch(f"/api/v1/contacts/{grace}", json={"started_on": tomorrow})
    assert late.status_code == 422 and "in the future" in late.json()["error"]["message"]
    assert client.get(f"/api/v1/contacts/{grace}").json()["tie"]["started_on"] == "0001-01-01"
    assert client.get("/api/v1/contacts").status_code == 200
    strength = client.get(f"/api/v1/contacts/{grace}/strength").json()
    assert date.fromisoformat(strength["last_contact"]) == date(1969, 12, 31)
