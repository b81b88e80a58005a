"""The Sources page and the review queue, in-process, against a real Dovecot and a real
Radicale."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from apps import app_for, local_browser
from fastapi.testclient import TestClient

from calendar_samples import calendar, event, fill, serving
from dovecot import PASSWORD, USER, Dovecot, running_dovecot
from kithbook.services.facade import Kithbook
from kithbook.services.secrets import new_key
from mail_samples import DANA, LEE, ME, ROBIN, sample_messages
from radicale_server import PASSWORD as DAV_PASSWORD
from radicale_server import USER as DAV_USER
from radicale_server import Radicale, running_radicale


@pytest.fixture
def server() -> Iterator[Dovecot]:
    with running_dovecot() as running:
        running.deliver(sample_messages())
        yield running


@pytest.fixture
def web(kb: Kithbook) -> Iterator[TestClient]:
    kb.settings = replace(kb.settings, capture_key=new_key())
    with local_browser(app_for(kb), follow_redirects=False) as client:
        for name, email in (("Dana Ruiz", DANA), ("Lee Chen", LEE)):
            assert client.post("/api/v1/contacts", json={
                "name": name, "emails": [{"value": email}]}).status_code == 201
        yield client


def _account(server: Dovecot, **more: str) -> dict[str, str]:
    return {"host": "127.0.0.1", "port": str(server.port), "username": USER,
            "password": PASSWORD, "security": "plain", "label": "home mail", **more}


def test_add_a_source_run_it_in_the_background_and_accept_from_the_queue(
        kb: Kithbook, web: TestClient, server: Dovecot) -> None:
    page = web.get("/sources")
    assert page.status_code == 200 and 'aria-current="page">Sources' in page.text
    assert web.post("/sources/own", data={"address": ME}).status_code == 303
    added = web.post("/sources/imap", data=_account(server))
    assert added.status_code == 303 and added.headers["location"] == "/sources?done=added"
    listed = web.get("/sources").text
    assert "home mail" in listed and "never" in listed and PASSWORD not in listed
    source_id = kb.capture().sources(kb.book.local_member().id)[0].id
    tested = web.post(f"/sources/{source_id}/test")
    assert tested.status_code == 200 and "Signed in. Folders it reads: INBOX" in tested.text
    assert web.post(f"/sources/{source_id}/run").status_code == 303
    # What the server's background worker does; never inside a request.
    (outcome,) = kb.capture().run_due()
    assert outcome.report is not None and outcome.report.added == 5
    dana = next(c["contact"] for c in web.get("/api/v1/contacts").json()["items"]
                if c["contact"]["name"] == "Dana Ruiz")
    assert "emailed 3 times" in web.get(f"/contacts/{dana['id']}").text
    review = web.get("/review")
    assert ROBIN in review.text and "you wrote to Robin Ng 4 times in March 2026" in review.text
    accepted = web.post("/review", data={"email": ROBIN, "choice": "accept",
                                         "name": "Robin Ng"})
    assert accepted.status_code == 303
    assert "Nobody waiting" in web.get("/review").text
    assert "Robin Ng" in web.get("/").text


def test_a_wrong_password_is_said_in_plain_words_and_nothing_is_stored(
        kb: Kithbook, web: TestClient, server: Dovecot) -> None:
    response = web.post("/sources/imap", data=_account(server, password="wrong"))
    assert response.status_code == 422
    assert "the server refused the password for sam@home.example" in response.text
    assert "wrong" not in response.text.split("<main", 1)[-1].replace("wrong password", "")
    assert kb.capture().sources(kb.book.local_member().id) == []
    bad_port = web.post("/sources/imap", data=_account(server, port="99x"))
    assert bad_port.status_code == 422 and "the port is a number" in bad_port.text


def test_a_failed_background_run_shows_its_error_on_the_page(
        kb: Kithbook, web: TestClient, server: Dovecot) -> None:
    web.post("/sources/own", data={"address": ME})
    web.post("/sources/imap", data=_account(server))
    server.stop()
    (outcome,) = kb.capture().run_due()
    assert outcome.error is not None
    page = web.get("/sources").text
    assert f"127.0.0.1:{server.port} refused the connection; check the host and port." in page


def test_removing_a_source_from_the_page_removes_what_it_captured(
        kb: Kithbook, web: TestClient, server: Dovecot) -> None:
    web.post("/sources/own", data={"address": ME})
    web.post("/sources/imap", data=_account(server))
    kb.capture().run_due()
    source_id = kb.capture().sources(kb.book.local_member().id)[0].id
    dana = next(c["contact"] for c in web.get("/api/v1/contacts").json()["items"]
                if c["contact"]["name"] == "Dana Ruiz")
    assert "emailed 3 times" in web.get(f"/contacts/{dana['id']}").text
    assert web.post(f"/sources/{source_id}/remove").status_code == 303
    assert "emailed 3 times" not in web.get(f"/contacts/{dana['id']}").text


@pytest.fixture
def dav() -> Iterator[Radicale]:
    with running_radicale() as running:
        fill(running)
        yield running


def _calendar(dav: Radicale, **more: str) -> dict[str, str]:
    return {"kind": "caldav", "url": dav.url, "username": DAV_USER, "password": DAV_PASSWORD,
            "label": "work calendar", **more}


def test_add_a_caldav_calendar_from_the_page_and_see_its_meetings(
        kb: Kithbook, web: TestClient, dav: Radicale) -> None:
    page = web.get("/sources").text
    assert 'action="/sources/calendar"' in page and "CalDAV account" in page
    assert web.post("/sources/own", data={"address": ME}).status_code == 303
    added = web.post("/sources/calendar", data=_calendar(dav))
    assert added.status_code == 303 and added.headers["location"] == "/sources?done=added"
    (source,) = kb.capture().sources(kb.book.local_member().id)
    assert source.kind.value == "caldav" and source.secret and DAV_PASSWORD not in source.secret
    listed = web.get("/sources").text
    assert "work calendar" in listed and "calendar (CalDAV)" in listed
    tested = web.post(f"/sources/{source.id}/test")
    assert tested.status_code == 200 and "Signed in. Calendars it reads: work." in tested.text
    (outcome,) = kb.capture().run_due()
    assert outcome.report is not None and outcome.report.added == 4
    dana = next(c["contact"] for c in web.get("/api/v1/contacts").json()["items"]
                if c["contact"]["name"] == "Dana Ruiz")
    assert "met 4 times (from your calendar)" in web.get(f"/contacts/{dana['id']}").text


def test_add_a_subscribed_calendar_from_the_page(kb: Kithbook, web: TestClient,
                                                 tmp_path: Path) -> None:
    (tmp_path / "cal.ics").write_bytes(calendar(event(
        "lunch", "20260610T120000Z", [(ME, "ACCEPTED"), (DANA, "ACCEPTED")])))
    with serving(tmp_path) as url:
        added = web.post("/sources/calendar", data={"kind": "ics", "url": f"{url}/cal.ics",
                                                    "label": "shared"})
        assert added.status_code == 303
        (outcome,) = kb.capture().run_due()
    assert outcome.report is not None and outcome.report.added == 1
    assert "shared" in web.get("/sources").text


@pytest.mark.parametrize(("fields", "said"), [
    ({"password": "wrong"}, "the server refused the password for sam"),
    ({"url": "ftp://dav.example/"}, "is not a CalDAV address"),
    ({"url": "http://127.0.0.1:1/"}, "refused the connection"),
    ({"calendars": "holidays"}, "has no calendar named holidays"),
    ({"username": ""}, "needs a user name and a password"),
    ({"kind": "ics", "url": "not a url"}, "is not a calendar address"),
    ({"kind": "carrier-pigeon"}, "choose a subscribed calendar (ICS) or a CalDAV account"),
])
def test_a_bad_calendar_is_said_in_plain_words_and_nothing_is_stored(
        kb: Kithbook, web: TestClient, dav: Radicale, fields: dict[str, str],
        said: str) -> None:
    response = web.post("/sources/calendar", data=_calendar(dav, **fields))
    assert response.status_code == 422
    assert said in response.text, response.text[:2000]
    assert DAV_PASSWORD not in response.text and 'value="wrong"' not in response.text
    # What was typed comes back in the calendar form only.
    assert 'id="calendar-label" name="label" maxlength="200" value="work calendar"' \
        in response.text
    assert 'id="imap-label" name="label" maxlength="200" value=""' in response.text
    assert kb.capture().sources(kb.book.local_member().id) == []


def test_adding_a_calendar_needs_the_pages_csrf_token(kb: Kithbook, web: TestClient,
                                                      dav: Radicale) -> None:
    refused = web.post("/sources/calendar", data=_calendar(dav),
                       headers={"X-CSRF-Token": "forged"})
    assert refused.status_code == 403
    assert kb.capture().sources(kb.book.local_member().id) == []
