"""The depth API: strength with evidence and its correction, digest, losing touch, health."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from fakes import FixedClock
from kithbook.services import stored_strength
from kithbook.services.facade import Kithbook


def log(client: TestClient, contact_id: object, kind: str, direction: str, day: str) -> None:
    response = client.post("/api/v1/interactions", json={
        "contact_ids": [contact_id], "kind": kind, "direction": direction, "occurred_on": day})
    assert response.status_code == 201, response.text


def test_strength_comes_with_its_evidence(client: TestClient, ada: dict[str, Any]) -> None:
    before = client.get(f"/api/v1/contacts/{ada['id']}/strength").json()
    assert before["evidence"] == "no interaction logged yet, you would vouch for them at 4/5"
    assert before["stage"] == "new acquaintance" and before["next_step"]
    assert before["balance"] == "nothing given or received yet"
    log(client, ada["id"], "advice", "received", "2026-06-10")
    after = client.get(f"/api/v1/contacts/{ada['id']}/strength").json()
    assert after["strength"] > before["strength"]
    assert "received advice once" in after["evidence"]
    assert after["explanation"][0].startswith(f"strength {after['strength']:.2f}")
    assert after["received"] == 1 and after["gave"] == 0
    assert set(after["components"]) == {"recency", "depth", "reciprocity", "duration", "trust"}


def test_a_correction_is_kept_and_can_be_forgotten(client: TestClient,
                                                   ada: dict[str, Any]) -> None:
    url = f"/api/v1/contacts/{ada['id']}/strength/correction"
    set_ = client.post(url, json={"strength": 0.8})
    assert set_.status_code == 200, set_.text
    body = set_.json()
    assert body["strength"] == 0.8 and body["correction"]["value"] == 0.8
    assert body["correction"]["interactions_since"] == 0
    assert client.get(f"/api/v1/contacts/{ada['id']}/strength").json()["strength"] == 0.8
    cleared = client.delete(url).json()
    assert cleared["correction"] is None and cleared["strength"] == cleared["computed"]


def test_bad_corrections_are_refused_with_the_field(client: TestClient,
                                                    ada: dict[str, Any]) -> None:
    url = f"/api/v1/contacts/{ada['id']}/strength/correction"
    for body in ({"strength": 1.2}, {"strength": -1}, {}, {"strength": 0.5, "x": 1}):
        response = client.post(url, json=body)
        assert response.status_code == 422
        assert "error" in response.json()
    assert client.get(f"/api/v1/contacts/{ada['id']}/strength").json()["correction"] is None


def test_unknown_contact_is_404_everywhere(client: TestClient) -> None:
    for method, url in (("GET", "/api/v1/contacts/nobody123456/strength"),
                        ("POST", "/api/v1/contacts/nobody123456/strength/correction"),
                        ("DELETE", "/api/v1/contacts/nobody123456/strength/correction")):
        response = client.request(method, url, json={"strength": 0.5})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_an_empty_book_has_an_empty_digest_list_and_report(client: TestClient) -> None:
    digest = client.get("/api/v1/digest").json()
    assert digest["items"] == [] and "nothing pressing" in digest["text"]
    assert client.get("/api/v1/losing-touch").json() == []
    health = client.get("/api/v1/health").json()
    assert health["ties"] == 0 and health["charts"] == [
        "/health/charts/balance.svg", "/health/charts/stages.svg",
        "/health/charts/strength.svg", "/health/charts/growth.svg", "/health/charts/ties.svg"]


def test_digest_losing_touch_and_health_over_a_small_book(client: TestClient,
                                                         ada: dict[str, Any]) -> None:
    client.patch(f"/api/v1/contacts/{ada['id']}", json={"cadence_days": 30})
    log(client, ada["id"], "help", "received", "2026-03-01")
    log(client, ada["id"], "advice", "received", "2026-04-01")
    lost = client.get("/api/v1/losing-touch").json()
    assert [s["name"] for s in lost] == ["Ada Lovelace"]
    assert lost[0]["cadence_from"] == "their own cadence" and lost[0]["overdue_days"] > 0
    digest = client.get("/api/v1/digest", params={"minutes": 30, "items": 1}).json()
    assert [i["name"] for i in digest["items"]] == ["Ada Lovelace"]
    assert digest["minutes"] <= 30 and digest["items"][0]["next_step"]
    health = client.get("/api/v1/health").json()
    assert health["received"]["help"] == 1 and health["stages"]["contact"] == 1
    assert any("You take more than you give" in o["text"] for o in health["reflection"])


def test_digest_budget_is_checked(client: TestClient) -> None:
    assert client.get("/api/v1/digest", params={"minutes": 0}).status_code == 422
    assert client.get("/api/v1/digest", params={"items": 1000}).status_code == 422


def test_on_a_new_day_the_reports_answer_then_renew_the_days_strengths(
        client: TestClient, kb: Kithbook, clock: FixedClock) -> None:
    """As the book's pages do: the day's strengths of the whole book are computed after
    the answer has gone, not while the member waits for it."""
    me = kb.book.init_local_member("Sam")[0].id
    kb.book.build_demo(me, 80, seed=5)
    uow = kb.uow()
    stored_strength.bring_up_to_date(uow, me, clock.today(), kb.strength_params)
    for path in ("/api/v1/digest", "/api/v1/losing-touch", "/api/v1/health", "/digest",
                 "/health"):
        clock.advance(1)
        assert stored_strength.from_another_day(uow, me, clock.today())
        assert client.get(path).status_code == 200
        assert not stored_strength.from_another_day(uow, me, clock.today()), path
