"""Latency of the web app under 20 concurrent clients on a 100,000-contact book.

    python bench/web_load.py [--size 100000] [--clients 20] [--seconds 15] [--workers 2]
                             [--threads N]

Builds (or reuses) a demo book in bench/results/, serves it with uvicorn in a child
process on loopback, and drives the main pages and API calls from asyncio clients in
this process, each waiting for its answer before the next request (closed loop). The
same load runs against a bare FastAPI app that returns a constant, so the overhead of
Kithbook itself is visible as a ratio. Requests are bounded by --seconds per target.
Kithbook is served by --workers processes (`kithbook serve --workers N`); the bare app by
as many uvicorn workers, so the ratio compares like with like. Each line also gives the
CPU time the server processes (read from Linux's /proc) and the clients spent per
request: other work on the machine inflates latency, much less these.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

HERE = Path(__file__).parent
# Words of the demo book's organizations, places, roles, tags and notes, common and rare;
# a search page answers for one of them at random.
SEARCH_WORDS = ["mentor", "lisbon", "capital", "berlin", "robotics", "designer", "climate",
                "harbor", "teacher", "nadia", "founder", "pricing", "nadia%20sato",
                "bea%20schmidt"]
STAGES = ["new", "contact", "relationship", "trusted"]
BARE_APP = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/constant")
def constant() -> dict[str, str]:
    return {"ok": "yes"}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Connection:
    """One keep-alive HTTP/1.1 connection that sends GETs and reads whole answers.

    The clients share the two cores with the servers they measure, so they are kept as
    cheap as they can be: raw asyncio streams, no client library per request."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, base: str) -> Connection:
        host, _, port = base.removeprefix("http://").partition(":")
        reader, writer = await asyncio.open_connection(host, int(port or 80))
        return cls(reader, writer, f"{host}:{port}")

    async def get(self, path: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                          "Accept: */*\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            return status, await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    return status, bytes(body)
        raise RuntimeError(f"{path}: an answer without a length")

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


SPREAD: list[float] = []  # each client's mean latency in the last `drive`


async def drive(base: str, paths: list[str], clients: int, seconds: float
                ) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    SPREAD.clear()

    async def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        connection = await Connection.open(base)
        mine: list[float] = []
        try:
            while time.monotonic() < stop:
                path = rng.choice(paths)
                started = time.perf_counter()
                status, _body = await connection.get(path)
                mine.append(time.perf_counter() - started)
                if status >= 400:
                    errors += 1
        finally:
            await connection.close()
            latencies.extend(mine)
            if mine:
                SPREAD.append(statistics.fmean(mine))

    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, errors


def spread() -> str:
    """The lowest and highest of the clients' mean latencies: far apart when the
    connections went unevenly to the workers (each client keeps its connection)."""
    if not SPREAD:
        return ""
    return f"clients' means {min(SPREAD) * 1000:.0f}–{max(SPREAD) * 1000:.0f} ms"


def summary(name: str, latencies: list[float], errors: int, seconds: float
            ) -> tuple[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return (f"{name:<28} {len(ms):>7} requests  {len(ms) / seconds:>7.0f} req/s  "
            f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  errors {errors}"), p95


def tree_cpu(pid: int) -> tuple[float, float] | None:
    """CPU seconds (user, system) used so far by a process and its live descendants (the
    server and its workers), from Linux's /proc; None elsewhere."""
    tick = os.sysconf("SC_CLK_TCK")
    pids, user, system = [pid], 0.0, 0.0
    try:
        for each in pids:  # grows as children are found
            with open(f"/proc/{each}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            user += int(fields[11]) / tick
            system += int(fields[12]) / tick
            with open(f"/proc/{each}/task/{each}/children") as children:
                pids += [int(child) for child in children.read().split()]
    except (OSError, ValueError):
        return None
    return user, system


def server_cpu(pid: int, since: tuple[float, float] | None, latencies: list[float]) -> str:
    """CPU time the server processes spent per request, and of that the kernel's share:
    unlike latency, it does not grow with what else runs on the machine."""
    now = tree_cpu(pid)
    if now is None or since is None:
        return "n/a"
    per = 1000 / max(1, len(latencies))
    user, system = (now[0] - since[0]) * per, (now[1] - since[1]) * per
    return f"{user + system:.2f} ms/request (system {system:.2f})"


def client_cpu(since: float, latencies: list[float]) -> str:
    """CPU time this process (the clients) spent per request: taken from the servers'."""
    return f"{(time.process_time() - since) / max(1, len(latencies)) * 1e6:.0f} µs/request"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None,
                        help="`kithbook serve --threads`: routes each worker runs at once")
    parser.add_argument("--only", action="append", default=[],
                        help="only the targets whose name contains this (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="run each target this often")
    args = parser.parse_args()
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    db = results / f"web-load-{args.size}.sqlite"
    kithbook = [sys.executable, "-m", "kithbook", "--database", str(db)]
    if not db.exists():
        print(f"building a {args.size:,}-contact demo book in {db} …", flush=True)
        subprocess.run([*kithbook, "demo", "--size", str(args.size), "--no-serve"],
                       check=True, stdout=subprocess.DEVNULL)
    ids = subprocess.run(
        [sys.executable, "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
         "print('\\n'.join(r[0] for r in c.execute('select id from contacts limit 200')))",
         str(db)], check=True, capture_output=True, text=True).stdout.split()
    port = free_port()
    # The first list of the day computes every tie's strength and stage (and a newly
    # migrated book builds its search index): do that before anything is timed.
    started = time.perf_counter()
    subprocess.run([*kithbook, "ls", "--limit", "1"], check=True, stdout=subprocess.DEVNULL)
    print(f"book ready in {time.perf_counter() - started:.1f} s", flush=True)
    threads = [] if args.threads is None else ["--threads", str(args.threads)]
    server = subprocess.Popen([*kithbook, "serve", "--port", str(port),
                               "--workers", str(args.workers), *threads],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bare_port = free_port()
    bare_file = results / "bare_app.py"
    bare_file.write_text(BARE_APP)
    bare = subprocess.Popen([sys.executable, "-m", "uvicorn", "bare_app:app", "--port",
                             str(bare_port), "--log-level", "warning",
                             "--workers", str(args.workers)], cwd=results,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                filter(None, [str(results), os.environ.get("PYTHONPATH")]))})
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/api/v1/contacts?limit=1")
        wait_until_up(f"http://127.0.0.1:{bare_port}/constant")
        targets = {
            "page: book (first page)": ["/"],
            "page: book sorted by recent": ["/?sort=recent"],
            "page: book sorted by strength": ["/?sort=strength"],
            "page: book filtered by stage": [f"/?stage={s}" for s in STAGES],
            "page: book search": [f"/?q={w}" for w in SEARCH_WORDS],
            "page: contact": [f"/contacts/{i}" for i in ids],
            "api: list contacts": ["/api/v1/contacts?limit=50"],
            "api: list by strength": ["/api/v1/contacts?limit=50&sort=strength"],
            "api: list by stage": [f"/api/v1/contacts?limit=50&stage={s}" for s in STAGES],
            "api: search contacts": [f"/api/v1/contacts?q={w}&limit=20"
                                     for w in SEARCH_WORDS],
            "api: contact detail": [f"/api/v1/contacts/{i}" for i in ids],
            "page: network map": ["/map", "/map?colour=organization", "/map?tag=mentor"],
            "page: digest": ["/digest"],
            "page: health": ["/health"],
            "page: likely duplicates": ["/duplicates"],
            "api: digest": ["/api/v1/digest"],
            "api: losing touch": ["/api/v1/losing-touch"],
            "page: path finder": ["/paths?organization=Redgrid+Studio", "/paths?tag=mentor",
                                  "/paths?role=CTO"],
            "page: introductions": ["/introductions", "/introductions/new"],
            "page: contact sharing": [f"/contacts/{i}/sharing" for i in ids],
            "page: contact edit": [f"/contacts/{i}/edit" for i in ids],
            "page: settings": ["/settings"],
        }
        # These read the whole book once, then serve from memory until the member's next
        # write: time that first read on its own, outside the load, in each worker (the
        # first process hands connections to the workers in turn).
        for name in ("page: network map", "page: digest", "page: health",
                     "page: likely duplicates", "api: digest", "api: losing touch"):
            if args.only and not any(part in name for part in args.only):
                continue
            for path in targets[name]:
                for worker in range(args.workers):
                    started = time.perf_counter()
                    httpx.get(base + path, timeout=600).raise_for_status()
                    print(f"first {path} (worker {worker + 1}): "
                          f"{time.perf_counter() - started:.2f} s", flush=True)
        print(f"{args.size:,} contacts, {args.clients} concurrent clients, "
              f"{args.seconds:.0f} s per target, {args.workers} worker(s), "
              f"{args.threads or 'default'} thread(s) each; "
              f"load average {os.getloadavg()[0]:.1f}")
        cpu, served = time.process_time(), tree_cpu(bare.pid)
        latencies, errors = asyncio.run(drive(f"http://127.0.0.1:{bare_port}", ["/constant"],
                                              args.clients, args.seconds))
        line, bare_p95 = summary("bare FastAPI constant", latencies, errors, args.seconds)
        print(f"{line}  server CPU {server_cpu(bare.pid, served, latencies)}  "
              f"clients' CPU {client_cpu(cpu, latencies)}")
        chosen = [(name, paths) for name, paths in targets.items()
                  if not args.only or any(part in name for part in args.only)]
        for name, paths in chosen * args.repeat:
            cpu, served = time.process_time(), tree_cpu(server.pid)
            latencies, errors = asyncio.run(drive(base, paths, args.clients, args.seconds))
            line, p95 = summary(name, latencies, errors, args.seconds)
            print(f"{line}  p95 ratio to bare {p95 / bare_p95:5.1f}×  "
                  f"server CPU {server_cpu(server.pid, served, latencies)}  "
                  f"clients' CPU {client_cpu(cpu, latencies)}  {spread()}", flush=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        for process in (server, bare):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
