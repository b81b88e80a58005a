"""Server time of one request at a time: the main pages and API calls, in process.

    PYTHONPATH=src .venv/bin/python bench/web_requests.py --database /tmp/book.sqlite \
        [--against REV --against-database /tmp/book-copy.sqlite] [--runs 40]
    PYTHONPATH=src .venv/bin/python bench/web_requests.py --database /tmp/book.sqlite \
        --profile "/?q=berlin" [--runs 200]

Each request goes straight to the ASGI app (no socket, no HTTP parsing), as the server
would hand it over, with nothing else in flight; the figure is the median of --runs in a
row after a few unmeasured ones. With --against, the code of git revision REV (its `src`
read from git) answers the same requests from its own process on its own copy of the
book, taking turns with the code of this tree request kind by request kind, and each
answer's body must be the same byte for byte. --profile prints where the time of one
request goes (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import json
import os
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TURNS = 16  # each code base answers a target in this many turns, alternating
TARGETS = {
    "book page by name": "/",
    "book page by last contact": "/?sort=recent",
    "book page by strength": "/?sort=strength",
    "book page, stage trusted": "/?stage=trusted",
    "book page, search mentor": "/?q=mentor",
    "book page, search berlin": "/?q=berlin",
    "contact page": "/contacts/{contact}",
    "API list (50)": "/api/v1/contacts?limit=50",
    "API list by strength": "/api/v1/contacts?limit=50&sort=strength",
    "API list, stage contact": "/api/v1/contacts?limit=50&stage=contact",
    "API search berlin (20)": "/api/v1/contacts?q=berlin&limit=20",
    "API contact detail": "/api/v1/contacts/{contact}",
    "network map": "/map",
    "digest page": "/digest",
    "health page": "/health",
    "likely duplicates page": "/duplicates",
    "API digest": "/api/v1/digest",
    "API losing touch": "/api/v1/losing-touch",
    "path finder, to an organization": "/paths?organization=Redgrid+Studio",
    "path finder, to a tag": "/paths?tag=mentor",
    "introductions": "/introductions",
    "new introduction form": "/introductions/new",
    "contact edit form": "/contacts/{contact}/edit",
    "contact sharing": "/contacts/{contact}/sharing",
    "settings": "/settings",
    "import": "/import",
}


def some_contact(database: str) -> str:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT id FROM contacts ORDER BY id LIMIT 1 OFFSET 500").fetchone()
    return str(row[0])


class InProcess:
    """The local app over `database`, called the way an ASGI server calls it."""

    def __init__(self, database: str) -> None:
        from kithbook.bootstrap import bootstrap
        from kithbook.config import load_settings
        from kithbook.web.app import create_app

        kb = bootstrap(load_settings({}).with_database(database), migrate=False)
        self.app = create_app(kb)
        self.loop = asyncio.new_event_loop()

    async def _call(self, target: str) -> tuple[int, bytes]:
        path, _, query = target.partition("?")
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "method": "GET", "scheme": "http", "path": path,
            "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"*/*")],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
        }
        status = 0
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(body)

    def call(self, target: str) -> tuple[int, bytes]:
        return self.loop.run_until_complete(self._call(target))

    def timed(self, target: str, runs: int, warmup: int = 2) -> tuple[list[float], str]:
        status, body = self.call(target)
        if status != 200:
            raise RuntimeError(f"{target}: {status} {body[:300]!r}")
        for _ in range(warmup):
            self.call(target)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            self.call(target)
            times.append(time.perf_counter() - started)
        return times, hashlib.sha256(body).hexdigest()


def inline_threadpool() -> None:
    """Run what would go to the thread pool on the event loop's thread, so that the
    profiler (which watches one thread) sees it; the hop itself is not profiled."""
    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.background
    import starlette.concurrency

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    for module in (fastapi.dependencies.utils, fastapi.routing, starlette.background,
                   starlette.concurrency):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = inline  # type: ignore[attr-defined]


def child(database: str) -> None:
    """Answer timing requests read as JSON lines on stdin (one process per code base)."""
    app = InProcess(database)
    print("ready", flush=True)
    for line in sys.stdin:
        ask = json.loads(line)
        times, digest = app.timed(ask["target"], ask["runs"])
        print(json.dumps({"times": times, "digest": digest}), flush=True)


def spawn(src: Path, database: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--database", database, "--child"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(src)})
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError(f"the app from {src} did not start")
    return process


def ask(process: subprocess.Popen[str], target: str, runs: int) -> tuple[list[float], str]:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({"target": target, "runs": runs}) + "\n")
    process.stdin.flush()
    answer = json.loads(process.stdout.readline())
    return answer["times"], answer["digest"]


def compare(args: argparse.Namespace, targets: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", args.against, "src"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        ways = {"this tree": spawn(REPO / "src", args.database),
                args.against: spawn(Path(folder) / "src", args.against_database)}
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; medians of "
              f"{args.runs} requests in a row")
        print(f"{'request':28} {args.against:>10} {'this tree':>10} {'ratio':>7}")
        differ = 0
        try:
            for name, target in targets.items():
                # Turns of a few requests each, so that a burst of other work on the
                # machine falls on both alike.
                times: dict[str, list[float]] = {way: [] for way in ways}
                digests: dict[str, str] = {}
                for turn in range(TURNS):
                    for way in list(ways) if turn % 2 == 0 else list(reversed(ways)):
                        some, digests[way] = ask(ways[way], target, -(-args.runs // TURNS))
                        times[way] += some
                new = statistics.median(times["this tree"])
                old = statistics.median(times[args.against])
                same = "" if len(set(digests.values())) == 1 else "  (bodies differ)"
                differ += bool(same)
                print(f"{name:28} {old * 1000:8.2f}ms {new * 1000:8.2f}ms "
                      f"{old / new:6.1f}x{same}", flush=True)
        finally:
            for process in ways.values():
                assert process.stdin is not None
                process.stdin.close()
                process.wait(timeout=30)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--against", help="a git revision to compare with")
    parser.add_argument("--against-database", help="its copy of the book")
    parser.add_argument("--only", help="only the requests whose name contains this")
    parser.add_argument("--profile", metavar="TARGET", help="a path to profile")
    parser.add_argument("--profile-file", help="where to keep the profile (pstats)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database)
        return 0
    contact = some_contact(args.database)
    targets = {name: path.format(contact=contact) for name, path in TARGETS.items()
               if not args.only or args.only in name}
    if args.profile:
        inline_threadpool()
        app = InProcess(args.database)
        target = args.profile.format(contact=contact)
        app.timed(target, 5)
        profile = cProfile.Profile()
        profile.enable()
        times, _ = app.timed(target, args.runs, warmup=0)
        profile.disable()
        print(f"{target}: median {statistics.median(times) * 1000:.2f} ms "
              f"(under the profiler)")
        if args.profile_file:
            profile.dump_stats(args.profile_file)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        return 0
    if args.against:
        if not args.against_database:
            parser.error("--against needs --against-database (a copy of the book)")
        return compare(args, targets)
    app = InProcess(args.database)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; medians of "
          f"{args.runs} requests in a row")
    for name, target in targets.items():
        times, _ = app.timed(target, args.runs)
        print(f"{name:28} {statistics.median(times) * 1000:8.2f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
