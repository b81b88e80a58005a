"""A real Radicale CalDAV/CardDAV server for tests: a throw-away config, user and storage
folder in a temporary directory, listening on a free loopback port. Tests that need it
skip, saying why, when the package is missing (`pip install radicale`, a dev dependency).
Not named `radicale.py`: on the tests' import path that name would hide the package.

    with running_radicale() as server:
        server.url            # http://127.0.0.1:PORT/
        server.put("sam/work/", "standup.ics", ics_bytes)
"""

from __future__ import annotations

import http.client
import importlib.util
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from dovecot import stop_process

USER = "sam"
PASSWORD = "correct horse battery"


@dataclass
class Radicale:
    root: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def calendar_url(self, name: str) -> str:
        return f"{self.url}{USER}/{name}/"

    def _request(self, method: str, path: str, body: bytes = b"",
                 headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        token = b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        connection.request(method, path, body=body,
                           headers={"Authorization": f"Basic {token}", **(headers or {})})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def make_calendar(self, name: str) -> str:
        """A new, empty calendar collection of the user; its URL."""
        body = (b'<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" '
                b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
                b"<D:displayname>" + name.encode() + b"</D:displayname>"
                b"</D:prop></D:set></C:mkcalendar>")
        response = self._request("MKCALENDAR", f"/{USER}/{name}/", body,
                                 {"Content-Type": "application/xml"})
        assert response.status == 201, f"MKCALENDAR {name}: {response.status}"
        return self.calendar_url(name)

    def put(self, calendar: str, resource: str, ics: bytes) -> None:
        """Store (or replace) one calendar object, as a phone or a web calendar would."""
        response = self._request("PUT", f"/{USER}/{calendar}/{resource}", ics,
                                 {"Content-Type": "text/calendar; charset=utf-8"})
        assert response.status in (201, 204), f"PUT {resource}: {response.status}"

    def delete(self, calendar: str, resource: str) -> None:
        response = self._request("DELETE", f"/{USER}/{calendar}/{resource}")
        assert response.status in (200, 204), f"DELETE {resource}: {response.status}"

    # ---- CardDAV: the user's phone, editing the same address book -----------------------

    def call(self, method: str, url: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request to a full URL or a path: (status, headers, body)."""
        path = url.removeprefix(self.url.rstrip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        token = b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        connection.request(method, path, body=body,
                           headers={"Authorization": f"Basic {token}", **(headers or {})})
        response = connection.getresponse()
        answer = response.status, dict(response.getheaders()), response.read()
        connection.close()
        return answer

    def make_addressbook(self, name: str) -> str:
        """A new, empty address book of the user; its URL."""
        body = (b'<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" '
                b'xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype>'
                b"<D:collection/><C:addressbook/></D:resourcetype><D:displayname>"
                + name.encode() + b"</D:displayname></D:prop></D:set></D:mkcol>")
        status, _, _ = self.call("MKCOL", f"/{USER}/{name}/", body,
                                 {"Content-Type": "application/xml"})
        assert status == 201, f"MKCOL {name}: {status}"
        return self.calendar_url(name)

    def write(self, url: str, text: str, *, if_match: str | None = None) -> str:
        """Store a card at `url` (a path or a URL), as a phone would; its new ETag."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if if_match:
            headers["If-Match"] = if_match
        status, got, body = self.call("PUT", url, text.encode("utf-8"), headers)
        assert status in (201, 204), f"PUT {url}: {status} {body[:200]!r}"
        return got.get("ETag") or got.get("etag") or self.read(url)[1]

    def read(self, url: str) -> tuple[str, str]:
        status, got, body = self.call("GET", url)
        assert status == 200, f"GET {url}: {status}"
        return body.decode("utf-8"), got.get("ETag") or got.get("etag") or ""

    def remove(self, url: str) -> None:
        status, _, _ = self.call("DELETE", url)
        assert status in (200, 204), f"DELETE {url}: {status}"

    def items(self, collection: str) -> dict[str, str]:
        """Every resource of a collection: its path, and its ETag."""
        status, _, body = self.call("PROPFIND", collection,
                                    b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>'
                                    b"<D:getetag/></D:prop></D:propfind>",
                                    {"Depth": "1", "Content-Type": "application/xml"})
        assert status == 207, f"PROPFIND {collection}: {status}"
        found = {}
        for part in re.findall(rb"<(?:\w+:)?response>(.*?)</(?:\w+:)?response>", body, re.S):
            href = re.search(rb"<(?:\w+:)?href>([^<]+)</", part)
            etag = re.search(rb"<(?:\w+:)?getetag>([^<]+)</", part)
            if href and etag and not href.group(1).endswith(b"/"):
                found[href.group(1).decode()] = etag.group(1).decode().replace("&quot;", '"')
        return found

    def stop(self) -> None:
        """The server goes away (a run after this cannot connect)."""
        self.process.terminate()
        self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(root: Path, port: int) -> Path:
    (root / "users").write_text(f"{USER}:{PASSWORD}\n")
    config = root / "config"
    config.write_text(f"""
[server]
hosts = 127.0.0.1:{port}

[auth]
type = htpasswd
htpasswd_filename = {root}/users
htpasswd_encryption = plain
delay = 0

[rights]
type = owner_only

[storage]
filesystem_folder = {root}/collections

[logging]
level = warning
mask_passwords = True
""")
    return config


@contextmanager
def running_radicale() -> Iterator[Radicale]:
    if importlib.util.find_spec("radicale") is None:
        pytest.skip("no radicale: `pip install radicale` (a dev dependency) runs the CalDAV "
                    "tests")
    root = Path(tempfile.mkdtemp(prefix="kithbook-radicale-"))
    port = _free_port()
    config = _config(root, port)
    log = (root / "radicale.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)],
                               stdout=log, stderr=subprocess.STDOUT, cwd=root)
    server = Radicale(root, port, process)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if server._request("PROPFIND", f"/{USER}/",
                                   headers={"Depth": "0"}).status == 207:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("radicale did not start: "
                                   + (root / "radicale.log").read_text())
            time.sleep(0.1)
        yield server
    finally:
        stop_process(process)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
