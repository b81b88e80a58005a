"""A write sent again with its `Idempotency-Key` (a client that lost the answer when a
server stopped) is made once, and answered as the first time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from community import browser, community_app

from community_members import add_member
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.errors import Conflict
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member
from kithbook.services import request_keys
from kithbook.services.facade import Kithbook


def _script(kb: Kithbook, member: Member) -> dict[str, str]:
    _, token = kb.accounts.create_api_token(member.id, "script")
    return {"Authorization": f"Bearer {token}"}


def _logged(kb: Kithbook, member: Member, contact: str) -> int:
    with kb.uow().reading() as uow:
        return len(uow.interactions.all(member.id))


def test_a_retried_write_is_made_once_and_answered_the_same(kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    client = browser(community_app(kb))
    body = {"contact_ids": [cleo], "kind": "met", "occurred_on": "2026-06-01"}
    keyed = {**_script(kb, ana), "Idempotency-Key": "4b1d9c2e-log-once"}
    first = client.post("/api/v1/interactions", json=body, headers=keyed)
    again = client.post("/api/v1/interactions", json=body, headers=keyed)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _logged(kb, ana, cleo) == 1
    # Without a key, or with a new one, a write is a new write.
    assert client.post("/api/v1/interactions", json=body,
                       headers=_script(kb, ana)).status_code == 201
    assert client.post("/api/v1/interactions", json=body,
                       headers={**keyed, "Idempotency-Key": "another"}).status_code == 201
    assert _logged(kb, ana, cleo) == 3


def test_a_key_is_never_an_answer_for_someone_else(kb: Kithbook) -> None:
    ana, ben = add_member(kb, "Ana"), add_member(kb, "Ben")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    zara = kb.book.add_contact(ben.id, ContactFields(name="Zara Quill")).id
    client = browser(community_app(kb))
    key = {"Idempotency-Key": "shared-by-mistake"}
    assert client.post("/api/v1/interactions", headers={**_script(kb, ana), **key},
                       json={"contact_ids": [cleo], "kind": "met",
                             "occurred_on": "2026-06-01"}).status_code == 201
    refused = client.post("/api/v1/interactions", headers={**_script(kb, ben), **key},
                          json={"contact_ids": [zara], "kind": "met",
                                "occurred_on": "2026-06-01"})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].startswith(
        "This Idempotency-Key was used for another request")
    assert "Cleo" not in refused.text
    assert _logged(kb, ben, zara) == 0


def test_a_kept_answer_is_not_read_with_a_revoked_token(kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    client = browser(community_app(kb))
    token, secret = kb.accounts.create_api_token(ana.id, "script")
    keyed = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "kept-then-revoked"}
    body = {"contact_ids": [cleo], "kind": "met", "occurred_on": "2026-06-01",
            "note": "a private word about Cleo"}
    assert client.post("/api/v1/interactions", json=body, headers=keyed).status_code == 201
    kb.accounts.revoke_api_token(ana.id, token.id)

    again = client.post("/api/v1/interactions", json=body, headers=keyed)
    assert again.status_code == 401
    assert "private word" not in again.text and "Idempotent-Replayed" not in again.headers
    assert _logged(kb, ana, cleo) == 1


def test_a_key_that_cannot_be_a_key_is_refused_and_nothing_written(kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    client = browser(community_app(kb))
    refused = client.post("/api/v1/interactions",
                          headers={**_script(kb, ana), "Idempotency-Key": "x" * 201},
                          json={"contact_ids": [cleo], "kind": "met",
                                "occurred_on": "2026-06-01"})
    assert refused.status_code == 400
    assert "Idempotency-Key must be 1 to 200 printable ASCII" in refused.text
    assert _logged(kb, ana, cleo) == 0


def test_a_write_whose_answer_was_lost_says_so_instead_of_writing_again(
        kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    client = browser(community_app(kb))
    keyed = {**_script(kb, ana), "Idempotency-Key": "lost-answer"}
    body = {"contact_ids": [cleo], "kind": "met", "occurred_on": "2026-06-01"}
    assert client.post("/api/v1/interactions", json=body, headers=keyed).status_code == 201
    with kb.uow() as uow:  # as when the server stopped between the write and its answer
        uow.request_keys.keep_answer("lost-answer", None, None, None)
        uow.commit()
    again = client.post("/api/v1/interactions", json=body, headers=keyed)
    assert again.status_code == 409
    assert "carried out already" in again.json()["error"]["message"]
    assert _logged(kb, ana, cleo) == 1


def test_a_failed_write_leaves_its_key_free_for_the_retry(kb: Kithbook) -> None:
    ana = add_member(kb, "Ana")
    client = browser(community_app(kb))
    keyed = {**_script(kb, ana), "Idempotency-Key": "first-try-fails"}
    body = {"contact_ids": ["nobody"], "kind": "met", "occurred_on": "2026-06-01"}
    assert client.post("/api/v1/interactions", json=body, headers=keyed).status_code == 404
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    body["contact_ids"] = [cleo]
    assert client.post("/api/v1/interactions", json=body, headers=keyed).status_code == 201
    assert _logged(kb, ana, cleo) == 1


def test_two_attempts_racing_with_one_key_write_once(settings: Settings,
                                                     clock: FixedClock) -> None:
    servers = [bootstrap(settings, clock=clock, migrate=False) for _ in range(4)]
    try:
        first = servers[0]
        ana = add_member(first, "Ana")
        cleo = first.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
        start = threading.Barrier(len(servers))

        def attempt(kb: Kithbook) -> str:
            pending = request_keys.Pending("raced", "same", clock.now())
            start.wait()
            with request_keys.carrying(pending):
                try:
                    kb.book.log_interaction(ana.id, [cleo], Kind.MET, Direction.MUTUAL,
                                            date(2026, 6, 1), exact=True)
                except Conflict:
                    return "refused"
            return "written"

        with ThreadPoolExecutor(max_workers=len(servers)) as pool:
            outcomes = sorted(pool.map(attempt, servers))
        assert outcomes == ["refused"] * (len(servers) - 1) + ["written"]
        assert _logged(first, ana, cleo) == 1
    finally:
        for kb in servers:
            kb.close()


@pytest.mark.parametrize("hours", [23, 25])
def test_keys_are_forgotten_after_a_day(kb: Kithbook, clock: FixedClock,
                                        hours: int) -> None:
    ana = add_member(kb, "Ana")
    cleo = kb.book.add_contact(ana.id, ContactFields(name="Cleo Park")).id
    with request_keys.carrying(request_keys.Pending("old", "f", clock.now())):
        kb.book.log_interaction(ana.id, [cleo], Kind.MET, Direction.MUTUAL, date(2026, 6, 1),
                                exact=True)
    clock.current += timedelta(hours=hours)
    assert kb.jobs.forget_request_keys() == (1 if hours > 24 else 0)
