"""The Sync page, in-process, against a real Radicale: add an address book, the
background workers sync it, a conflict shows both values and is resolved, the safety
stop is allowed once; and another member's conflict reads like one that never was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from apps import app_for, local_browser
from community import community_app, signed_in
from fastapi.testclient import TestClient

from community_members import add_member
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.services.facade import Kithbook
from kithbook.services.ports import ContactQuery
from kithbook.services.secrets import new_key
from radicale_server import PASSWORD, USER, Radicale, running_radicale

CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada-1\r\nFN:Ada L.\r\n"
        "EMAIL:ada@example.org\r\nTITLE:CTO\r\nEND:VCARD\r\n")


@pytest.fixture
def server() -> Iterator[Radicale]:
    with running_radicale() as running:
        running.write(running.make_addressbook("contacts") + "ada.vcf", CARD)
        yield running


@pytest.fixture
def web(kb: Kithbook) -> Iterator[TestClient]:
    kb.settings = replace(kb.settings, capture_key=new_key())
    with local_browser(app_for(kb), follow_redirects=False) as client:
        yield client


def test_add_sync_and_resolve_a_conflict_from_the_page(kb: Kithbook, web: TestClient,
                                                       server: Radicale) -> None:
    me = kb.book.init_local_member("Me")[0]
    kb.book.add_contact(me.id, ContactFields(name="Ada Lovelace",
                                             emails=[Labeled("ada@example.org")]))
    bad = web.post("/sync/carddav", data={"url": server.url, "username": USER,
                                          "password": "wrong"})
    assert bad.status_code == 422 and "refused the user name or password" in bad.text
    assert "wrong" not in bad.text
    added = web.post("/sync/carddav", data={"url": server.url, "username": USER,
                                            "password": PASSWORD, "tags": "friends"})
    assert added.status_code == 303
    (outcome,) = kb.capture().run_due()  # what the background workers do
    assert outcome.error is None, outcome.error
    page = web.get("/sync").text
    assert "contacts (sam on 127.0.0.1" in page and "(tags: friends)" in page
    assert "Ada Lovelace" in page and "Ada L." in page  # both names, side by side
    conflict = re.search(r'action="/sync/conflicts/([a-z0-9]+)"', page)
    assert conflict
    assert web.post(f"/sync/conflicts/{conflict.group(1)}",
                    data={"keep": "maybe"}).status_code == 422
    kept = web.post(f"/sync/conflicts/{conflict.group(1)}", data={"keep": "theirs"})
    assert kept.status_code == 303
    assert "No conflicts." in web.get("/sync").text
    assert [c.contact.name for c in kb.book.list_contacts(me.id,
                                                          ContactQuery()).items] == ["Ada L."]


def test_the_safety_stop_is_allowed_once_from_the_page(kb: Kithbook, web: TestClient,
                                                       server: Radicale) -> None:
    me = kb.book.init_local_member("Me")[0]
    for name in ("bo", "cy"):
        server.write(f"/{USER}/contacts/{name}.vcf", CARD.replace("ada", name))
    web.post("/sync/carddav", data={"url": server.url, "username": USER,
                                    "password": PASSWORD})
    source = kb.sync().sources(me.id)[0]
    kb.capture().run_due()
    for href in list(server.items(source.settings["book"])):
        server.remove(href)  # the phone's book emptied
    kb.sync().schedule_now(me.id, source.id)
    (stopped,) = kb.capture().run_due()
    assert stopped.error and "would delete 3" in stopped.error
    assert kb.book.list_contacts(me.id, ContactQuery()).total == 3
    page = web.get("/sync").text
    assert "Allow these deletes and sync" in page
    assert web.post(f"/sync/{source.id}/allow-deletes").status_code == 303
    (allowed,) = kb.capture().run_due()
    assert allowed.error is None
    assert kb.book.list_contacts(me.id, ContactQuery()).total == 0


def test_another_members_account_and_conflicts_read_as_missing(kb: Kithbook,
                                                               server: Radicale) -> None:
    kb.settings = replace(kb.settings, capture_key=new_key())
    app = community_app(kb)
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    kb.book.add_contact(ana.id, ContactFields(name="Ada Lovelace",
                                              emails=[Labeled("ada@example.org")]))
    source = kb.sync().add_carddav(ana.id, url=server.url, username=USER, password=PASSWORD)
    kb.sync().run(ana.id)
    (conflict,) = kb.sync().conflicts(ana.id)
    client, csrf = signed_in(kb, app, ben)
    page = client.get("/sync").text
    assert "Ada" not in page and source.id not in page
    for path in (f"/sync/conflicts/{conflict.id}", f"/sync/{source.id}/run",
                 f"/sync/{source.id}/allow-deletes"):
        answer = client.post(path, data={"keep": "ours", "csrf_token": csrf})
        assert answer.status_code == 404, path
    assert kb.sync().conflicts(ana.id) == [conflict]
