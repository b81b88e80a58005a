"""Real servers for tests: `kithbook serve --community` (one or several workers), or a
local book's `kithbook serve`, in its own process on a free loopback port, over the
database the test names."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.members import Member
from kithbook.services import sessions
from kithbook.services.facade import Kithbook


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(url: str, port: int, workers: int, log: Path,
          env: dict[str, str] | None = None, *, group: bool = False
          ) -> subprocess.Popen[bytes]:
    """`group`: the server and its workers in a process group of their own, so a test can
    kill them all at once (`os.killpg`), as a machine that goes away would."""
    env = {**os.environ, "KITHBOOK_DATABASE_URL": url, **(env or {})}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kithbook", "serve", "--community", "--insecure-dev",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=group)


def wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path,
                  probe: str = "/login") -> None:
    # Up to two minutes: the machine may be busy with other tests (the wait is bounded;
    # no claim about speed).
    for _ in range(1200):
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text()}")
        try:
            httpx2.get(f"http://127.0.0.1:{port}{probe}", timeout=1)
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not start: {log.read_text()}")


@contextmanager
def services_for_servers(url: str, **settings: Any) -> Iterator[Kithbook]:
    """Services over the database that a test's servers use, to set up what they serve
    and read what they wrote. They read the real clock, as the servers do, so whatever the
    test stores is dated as the servers date it; the schema is the test's to make."""
    services = bootstrap(Settings(database_url=url, **settings), migrate=False)
    try:
        yield services
    finally:
        services.close()


@contextmanager
def community_servers(url: str, folder: Path, *workers: int,
                      env: dict[str, str] | None = None) -> Iterator[list[str]]:
    """One server per entry of `workers` (its number of worker processes), all on the
    database at `url` (and `env` added to their environment); yields their base URLs and
    stops them all at the end."""
    started = []
    try:
        for count in workers:
            port = free_port()
            log = folder / f"server-{port}.log"
            started.append((start(url, port, count, log, env), port, log))
        for server, port, log in started:
            wait_until_up(port, server, log)
        yield [f"http://127.0.0.1:{port}" for _, port, _ in started]
    finally:
        for server, _, _ in started:
            server.terminate()
        for server, _, _ in started:
            server.wait(timeout=30)


@contextmanager
def local_server(url: str, folder: Path) -> Iterator[str]:
    """`kithbook serve` of a local book at `url` on a free loopback port; yields its base
    URL, as the command prints it."""
    port = free_port()
    log = folder / f"local-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kithbook", "--database", url, "serve",
             "--host", "127.0.0.1", "--port", str(port)],
            env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(port, server, log, probe="/api/v1/contacts?limit=1")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def bearer(kb: Kithbook, member: Member) -> dict[str, str]:
    """Headers carrying a fresh API token of `member`."""
    _, token = kb.accounts.create_api_token(member.id, "test")
    return {"Authorization": f"Bearer {token}"}


def session_client(kb: Kithbook, base: str, member: Member) -> tuple[httpx2.Client, str]:
    """A client holding a fresh session of `member` (the cookie of --insecure-dev), and
    that session's CSRF token."""
    with kb.uow() as uow:
        token = sessions.start_in(uow, member.id, kb.clock.now(), None)
        uow.commit()
    client = httpx2.Client(base_url=base, cookies={"kithbook_session": token}, timeout=30)
    return client, sessions.csrf_token(token)
