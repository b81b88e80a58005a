"""Real community servers for tests: `kithbook serve --community` in its own process
(one or several workers) on a free loopback port, over the database the test names."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KITHBOOK_DATABASE_URL": url}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kithbook", "serve", "--community", "--insecure-dev",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_up(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    # Up to two minutes: the machine may be busy with other tests (the wait is bounded;
    # no claim about speed).
    for _ in range(1200):
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text()}")
        try:
            httpx2.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not start: {log.read_text()}")


@contextmanager
def community_servers(url: str, folder: Path, *workers: int) -> Iterator[list[str]]:
    """One server per entry of `workers` (its number of worker processes), all on the
    database at `url`; yields their base URLs and stops them all at the end."""
    started = []
    try:
        for count in workers:
            port = free_port()
            log = folder / f"server-{port}.log"
            started.append((start(url, port, count, log), port, log))
        for server, port, log in started:
            wait_until_up(port, server, log)
        yield [f"http://127.0.0.1:{port}" for _, port, _ in started]
    finally:
        for server, _, _ in started:
            server.terminate()
        for server, _, _ in started:
            server.wait(timeout=30)
