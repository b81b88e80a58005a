"""Uploads on a served community (`kithbook serve --community` on PostgreSQL, on a
loopback port), attacked as a member and as a careless client would:

- An upload belongs to the member who sent it: another member who learns its token can
  neither import it nor read its progress, and is answered as for a token that never
  existed.
- Uploads wait under the server's data folder, not the machine's temporary folder, and
  the ones left behind are swept.
- A body over the size bound is refused with 413 before it is read, whether it says its
  length or comes in chunks.
- Imports beyond the bound are answered "busy, try again" at once.
- A JSON export's ids are checked (a warning for each that is not an id) and never
  tell the importing member which ids exist in other members' books.
"""

from __future__ import annotations

import json
import os
import re
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from community_members import add_member
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from served import community_servers, services_for_servers

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nEND:VCARD\r\n"
MAX_UPLOAD_MB = 1


@pytest.fixture
def postgres(empty_postgres: Callable[[], None], postgres_schema_url: str) -> str:
    empty_postgres()
    return postgres_schema_url


@pytest.fixture
def kb(postgres: str) -> Iterator[Kithbook]:
    with services_for_servers(postgres) as services:
        yield services


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def server(postgres: str, tmp_path: Path, data: Path) -> Iterator[str]:
    """One community server, one worker (one process: its import bound is the one the
    test counts against), uploads bounded at 1 MB, one import at a time."""
    env = {"KITHBOOK_DATA_DIR": str(data), "KITHBOOK_MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
           "KITHBOOK_MAX_IMPORTS": "1"}
    with community_servers(postgres, tmp_path, 1, env=env) as (base,):
        yield base


def _client(kb: Kithbook, base: str, member: Member) -> httpx2.Client:
    _, token = kb.accounts.create_api_token(member.id, "test")
    return httpx2.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                         timeout=60)


def _preview(client: httpx2.Client) -> str:
    answer = client.post("/import", files={"file": ("grace.vcf", VCARD, "text/vcard")})
    assert answer.status_code == 200, answer.text
    found = re.search(r'name="token" value="([0-9a-f]{32})"', answer.text)
    assert found, answer.text
    return found.group(1)


def _names(client: httpx2.Client) -> list[str]:
    return [c["contact"]["name"] for c in client.get("/api/v1/contacts").json()["items"]]


def test_another_member_cannot_import_or_watch_an_upload(kb: Kithbook, server: str) -> None:
    alice, bob = add_member(kb, "Alice"), add_member(kb, "Bob")
    with _client(kb, server, alice) as as_alice, _client(kb, server, bob) as as_bob:
        token = _preview(as_alice)
        made_up = "0" * 32
        # Bob learned the token: he is answered as for one that never existed.
        for probe in (token, made_up):
            status = as_bob.get(f"/import/status/{probe}")
            assert status.status_code == 404, status.text
            stolen = as_bob.post("/import/confirm", data={"token": probe})
            assert stolen.status_code == 404, stolen.text
        assert as_bob.get(f"/import/status/{token}").text == \
            as_bob.get(f"/import/status/{made_up}").text
        assert _names(as_bob) == []
        # Alice's upload is still hers to import.
        assert as_alice.get(f"/import/status/{token}").json() == {"done": 0, "total": None}
        done = as_alice.post("/import/confirm", data={"token": token})
        assert done.status_code == 200, done.text
        assert _names(as_alice) == ["Grace Hopper"]
        assert as_alice.get(f"/import/status/{token}").status_code == 404  # gone once used


def test_uploads_wait_under_the_data_folder_and_old_ones_are_swept(
        kb: Kithbook, server: str, data: Path) -> None:
    alice = add_member(kb, "Alice")
    machine_wide = Path(tempfile.gettempdir()) / "kithbook-uploads"
    before = set(machine_wide.iterdir()) if machine_wide.is_dir() else set()
    uploads = data / "uploads"
    abandoned = uploads / ("f" * 40)
    abandoned.mkdir(parents=True)
    (abandoned / "left.vcf").write_bytes(VCARD)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))
    with _client(kb, server, alice) as as_alice:
        _preview(as_alice)
    after = set(machine_wide.iterdir()) if machine_wide.is_dir() else set()
    assert after == before  # nothing new in the machine-wide temporary folder
    kept = list(uploads.iterdir())
    assert not abandoned.exists()  # swept when the next upload came
    assert len(kept) == 1 and [p.name for p in kept[0].iterdir()] == ["grace.vcf"]
    assert (uploads.stat().st_mode & 0o077) == 0  # no other account of the machine reads it


def _raw(base: str, head: str, body: bytes = b"") -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=60)
    connection.sendall(head.encode() + body)
    return connection


def _status_of(connection: socket.socket) -> int:
    answer = b""
    while b"\r\n" not in answer:
        piece = connection.recv(4096)
        if not piece:
            break
        answer += piece
    return int(answer.split(b" ", 2)[1])


def test_an_oversize_body_is_refused_before_it_is_read(kb: Kithbook, server: str) -> None:
    alice = add_member(kb, "Alice")
    _, token = kb.accounts.create_api_token(alice.id, "test")
    host = server.removeprefix("http://")
    # It says 300 MB and sends none of it: the answer comes without waiting for a byte.
    connection = _raw(server, f"POST /api/v1/import HTTP/1.1\r\nHost: {host}\r\n"
                              f"Authorization: Bearer {token}\r\n"
                              f"Content-Type: multipart/form-data; boundary=x\r\n"
                              f"Content-Length: {300 * 1024 * 1024}\r\n\r\n")
    with connection:
        assert _status_of(connection) == 413
    # Chunked, no length said: refused once the bytes pass the bound, with a clear message.
    with httpx2.Client(base_url=server, headers={"Authorization": f"Bearer {token}"},
                       timeout=60) as client:
        def chunks() -> Iterator[bytes]:
            # A little over the bound, so that the whole body is sent by the time the
            # server has counted past the bound and answers.
            yield (b"--x\r\nContent-Disposition: form-data; name=\"file\"; "
                   b"filename=\"big.vcf\"\r\n\r\n")
            for _ in range(MAX_UPLOAD_MB * 4 + 1):
                yield b"N" * (256 * 1024)
            yield b"\r\n--x--\r\n"

        answer = client.post("/api/v1/import", content=chunks(),
                             headers={"Content-Type": "multipart/form-data; boundary=x"})
        assert answer.status_code == 413, answer.text
        assert "larger than the 1 MB this server accepts" in answer.json()["error"]["message"]
        page = client.post("/import", content=b"x" * (2 * 1024 * 1024),
                           headers={"Content-Type": "multipart/form-data; boundary=x"})
        assert page.status_code == 413 and "KITHBOOK_MAX_UPLOAD_MB" in page.text
        assert _names(client) == []
        # Under the bound, all is as before.
        small = client.post("/api/v1/import", files={"file": ("g.vcf", VCARD, "text/vcard")})
        assert small.status_code == 200, small.text


def test_imports_beyond_the_bound_are_told_to_come_back(kb: Kithbook, server: str) -> None:
    alice, bob = add_member(kb, "Alice"), add_member(kb, "Bob")
    _, token = kb.accounts.create_api_token(alice.id, "test")
    host = server.removeprefix("http://")
    body = (b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.vcf\"\r\n"
            b"Content-Type: text/vcard\r\n\r\n" + VCARD + b"\r\n--x--\r\n")
    # Alice's import is under way: its body is still coming.
    slow = _raw(server, f"POST /import HTTP/1.1\r\nHost: {host}\r\n"
                        f"Authorization: Bearer {token}\r\n"
                        f"Content-Type: multipart/form-data; boundary=x\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n", body[:20])
    with slow, _client(kb, server, bob) as as_bob:
        busy = None
        for _ in range(100):  # until the server has taken Alice's request in
            busy = as_bob.post("/api/v1/import", data={"dry_run": "true"},
                               files={"file": ("g.vcf", VCARD, "text/vcard")})
            if busy.status_code == 503:
                break
            time.sleep(0.1)
        assert busy is not None and busy.status_code == 503, busy.text if busy else None
        assert busy.headers["Retry-After"] == "30"
        assert "busy" in busy.json()["error"]["message"]
        assert "try again" in busy.json()["error"]["message"]
        assert _names(as_bob) == []
        slow.sendall(body[20:])
        assert _status_of(slow) == 200
        # Alice's done: the slot is free again.
        assert as_bob.post("/api/v1/import", files={"file": ("g.vcf", VCARD, "text/vcard")}
                           ).status_code == 200
        assert _names(as_bob) == ["Grace Hopper"]


def test_a_json_import_tells_nothing_of_other_books_and_warns_of_bad_ids(
        kb: Kithbook, server: str) -> None:
    alice, bob = add_member(kb, "Alice"), add_member(kb, "Bob")
    with _client(kb, server, alice) as as_alice, _client(kb, server, bob) as as_bob:
        alices = as_alice.post("/api/v1/contacts", json={"name": "Ada Lovelace"}).json()["id"]
        assert as_bob.post("/api/v1/contacts", json={"name": "Own Contact"}).status_code == 201
        document = as_bob.get("/api/v1/export", params={"format": "json"}).json()
        [template] = document["contacts"]
        free = "zzzz" + alices[4:] if not alices.startswith("zzzz") else "yyyy" + alices[4:]
        document["contacts"] = [
            dict(template, id=alices, name="Taken Elsewhere"),  # an id in Alice's book
            dict(template, id=free, name="Free Everywhere"),  # an id nobody has
            dict(template, id="a" * 40, name="Long Id"),
            dict(template, id="ab/../cd", name="Dotted Id")]
        document["interactions"], document["contact_links"] = [], []
        upload = {"file": ("book.json", json.dumps(document).encode(), "application/json")}
        preview = as_bob.post("/api/v1/import", files=upload, data={"dry_run": "true"})
        assert preview.status_code == 200, preview.text
        answer = as_bob.post("/api/v1/import", files=upload)
        assert answer.status_code == 200, answer.text
        for report in (preview.json(), answer.json()):
            assert report["contacts_added"] == 4
            assert [w["where"] for w in report["warnings"]] == [
                "book.json: contacts[2]", "book.json: contacts[3]"]
            assert "'" + "a" * 40 + "'" in report["warnings"][0]["message"]
            assert "'ab/../cd'" in report["warnings"][1]["message"]
            assert "new id" in report["warnings"][1]["message"]
        ids = {c["contact"]["name"]: c["contact"]["id"]
               for c in as_bob.get("/api/v1/contacts").json()["items"]}
        # An id taken in another book and one free everywhere fare alike: Bob cannot
        # tell from his book whether an id exists in someone else's.
        assert ids["Taken Elsewhere"] != alices and ids["Free Everywhere"] != free
        assert all(len(i) == 12 and i.isalnum() for i in ids.values())
        assert as_alice.get(f"/api/v1/contacts/{alices}").json()["contact"]["name"] == \
            "Ada Lovelace"
