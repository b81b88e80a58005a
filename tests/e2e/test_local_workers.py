"""`kithbook serve --workers 2`: the workers take kept-alive connections in turn, and
stopping the server stops every worker and frees the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from kithbook.cli import main
from kithbook.web.workers import spread_supported

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not spread_supported() or not Path("/proc/self/task").exists(),
                       reason="handing connections to workers needs Unix sockets, and "
                              "this test reads Linux's /proc"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _workers(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        pids = [int(child) for child in children.read().split()]
    return [p for p in pids if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]


def _sockets(pid: int) -> set[str]:
    """The sockets a process holds open, by inode."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except FileNotFoundError:  # closed since the listing (the server keeps working)
            continue
        if link.startswith("socket:"):
            found.add(link)
    return found


def test_two_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "server.log"
    assert main(["--database", str(tmp_path / "book.sqlite"), "init"]) == 0
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kithbook", "--database", str(tmp_path / "book.sqlite"),
             "serve", "--port", str(port), "--workers", "2"],
            stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            assert server.poll() is None, log.read_text()
            try:
                httpx2.get(base + "/api/v1/contacts?limit=1", timeout=1).raise_for_status()
                break
            except httpx2.TransportError:
                time.sleep(0.1)
        workers = _workers(server.pid)
        assert len(workers) == 2, log.read_text()
        before = {pid: _sockets(pid) for pid in workers}
        connections: list[socket.socket] = []
        try:
            for _ in range(20):  # kept open, as keep-alive clients keep theirs
                connection = socket.create_connection(("127.0.0.1", port))
                connections.append(connection)
                connection.sendall(b"GET /api/v1/contacts?limit=1 HTTP/1.1\r\n"
                                   b"Host: 127.0.0.1\r\n\r\n")
                assert connection.recv(65536).startswith(b"HTTP/1.1 200")
            accepted = {pid: len(_sockets(pid) - before[pid]) for pid in workers}
        finally:
            for connection in connections:
                connection.close()
        # The workers take connections in turn, however they arrive.
        assert sum(accepted.values()) == 20 and set(accepted.values()) == {10}, accepted
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for pid in workers:
            for _ in range(100):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.1)
            assert not Path(f"/proc/{pid}").exists(), f"worker {pid} outlived the server"
        with socket.socket() as again:  # the port is free again
            again.bind(("127.0.0.1", port))
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)


def test_workers_that_cannot_start_stop_the_server_with_an_error() -> None:
    """A worker that dies as it starts is started again, but not forever: after
    `GIVE_UP_AFTER` such deaths in a row the server stops, says why and frees the port."""
    port = _free_port()
    script = (
        "import sys\n"
        "from kithbook.domain.errors import KithbookError\n"
        "from kithbook.web.workers import serve_spread\n"
        "try:\n"
        f"    serve_spread('kithbook.no_such_module:app', '127.0.0.1', {port}, 2,\n"
        "                 log_level='critical')\n"
        "except KithbookError as error:\n"
        "    print(error.message)\n"
        "    sys.exit(3)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3, done.stderr
    assert "workers stopped 5 times as they started" in done.stdout
    assert "Nothing is being served" in done.stdout
    with socket.socket() as again:  # the port is free again
        again.bind(("127.0.0.1", port))
