"""Sustained load on the community server: signed-in members at 20, 50 and 100 clients.

    KITHBOOK_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python bench/community_load.py [--members 40] [--size 300] \\
        [--clients 20 50 100] [--seconds 20] [--requests 4000] [--against REV]

Builds a community in a fresh PostgreSQL schema (dropped afterwards): --members members,
each with a --size-contact demo book, linked to their neighbours (confirmed both ways)
so that warm paths cross members, every tie named and open to introduction requests.
Serves it with `kithbook serve --community --workers 2` in a child process on loopback,
and drives it from asyncio clients in this process, each one a signed-in member (its own
session cookie and CSRF token) waiting for each answer before the next request (closed
loop). The traffic mixes what members do: the book, a contact, a search of the book,
the API's contact search, warm paths to an organization, logging an interaction, the
introductions page and asking for an introduction.

Each level is bounded by --seconds and by --requests, whichever ends first. The same
clients then drive a bare FastAPI app returning a constant, also on two uvicorn workers,
so Kithbook's own cost is visible as a ratio. An error is a 5xx, a failed connection or
a redirect (to the sign-in page: a member's requests are never redirected otherwise);
a 4xx (an introduction refused by the fair-use limits, say) is counted apart as refused.

With --against REV, the code of git revision REV (its `src`, read from git) serves the
same community from a second server on the same database, and each level drives both
servers in turn (the order alternating from level to level) after the bare app, so the
two are compared on the same data, on the same machine, within a minute of each other.
Both servers' figures are printed, with their ratio. REV must know every migration of
this tree (the database is migrated by this tree's code): name a revision after the
newest migration.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, select, text

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services import sessions
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.storage.database import create_database_engine, upgrade
from kithbook.storage.tables import contacts
from web_load import BARE_APP, free_port, wait_until_up  # the same server and bare peer

HERE = Path(__file__).parent
WARM_UP = 5.0  # seconds of traffic each server answers before it is measured
COOKIE = "kithbook_session"  # the cookie's name on a server started with --insecure-dev


@dataclass
class Client:
    """One signed-in member: what they may ask for, and the session they ask with."""

    member: Member
    session: str
    contacts: list[str]
    words: list[str]
    introducers: list[tuple[str, str]]  # (member id, a contact in their book)

    @property
    def csrf(self) -> str:
        return sessions.csrf_token(self.session)


def build_community(url: str, members: int, size: int, seed: int) -> list[Client]:
    kb = bootstrap(Settings(database_url=url), migrate=False)
    try:
        return _build(kb, url, members, size, seed)
    finally:
        kb.close()


def _build(kb: Kithbook, url: str, count: int, size: int, seed: int) -> list[Client]:
    rng = random.Random(seed)
    people = []
    for i in range(count):
        member = Member(id=MemberId(new_id()), name=f"Member {i:03d}",
                        email=f"member{i}@example.org", role=Role.MEMBER,
                        created_at=kb.clock.now())
        with kb.uow() as uow:
            uow.members.add(member)
            uow.accounts.add(member.id, "not a usable hash", kb.clock.now())
            uow.commit()
        kb.book.build_demo(member.id, size, seed + i)
        kb.book.set_default_policy(member.id, PolicyChange(visibility=Visibility.NAMED,
                                                           ask_rule=AskRule.ANYONE))
        people.append(member)
    # Each member knows the next two (a ring with chords), linked both ways.
    for i, member in enumerate(people):
        for step in (1, 2):
            other = people[(i + step) % count]
            for a, b in ((member, other), (other, member)):
                contact = kb.book.add_contact(a.id, ContactFields(name=f"{b.name} in person"),
                                              TieFields(stated_trust=4))
                kb.community.propose_link(a.id, contact.id, b.email or "")
    for member in people:
        for view in kb.community.member_links(member.id):
            if not view.confirmed and not view.proposed_by_me:
                kb.community.confirm_link(member.id, view.id)
    engine = create_database_engine(url)
    clients = []
    try:
        with engine.connect() as connection:
            books = {m.id: [r.id for r in connection.execute(
                select(contacts.c.id).where(contacts.c.owner_id == m.id)
                .order_by(contacts.c.id).limit(200))] for m in people}
            words = [r.organization for r in connection.execute(
                select(contacts.c.organization).where(contacts.c.organization.is_not(None))
                .distinct().limit(40))]
    finally:
        engine.dispose()
    for i, member in enumerate(people):
        with kb.uow() as uow:
            session = sessions.start_in(uow, member.id, kb.clock.now(), None)
            uow.commit()
        neighbours = [people[(i + s) % count] for s in (1, 2, -1, -2)]
        introducers = [(n.id, rng.choice(books[n.id])) for n in neighbours]
        clients.append(Client(member, session, books[member.id], words, introducers))
    return clients


# ---- the traffic -----------------------------------------------------------------------

MIX = (  # (what, weight)
    ("page: book", 14), ("page: contact", 18), ("page: book search", 12),
    ("api: contact search", 10), ("page: warm paths", 8), ("api: log interaction", 18),
    ("page: introductions", 10), ("api: ask for an introduction", 10),
)


async def one_request(http: httpx.AsyncClient, who: Client, what: str, rng: random.Random,
                      today: str) -> httpx.Response:
    headers = {"X-CSRF-Token": who.csrf}
    if what == "page: book":
        return await http.get(rng.choice(["/", "/?sort=recent"]))
    if what == "page: contact":
        return await http.get(f"/contacts/{rng.choice(who.contacts)}")
    if what == "page: book search":
        return await http.get("/", params={"q": rng.choice(who.words)})
    if what == "api: contact search":
        return await http.get("/api/v1/contacts", params={"q": rng.choice(who.words),
                                                          "limit": 20})
    if what == "page: warm paths":
        return await http.get("/paths", params={"organization": rng.choice(who.words)})
    if what == "api: log interaction":
        return await http.post("/api/v1/interactions", headers=headers, json={
            "contact_ids": [rng.choice(who.contacts)], "kind": "talked",
            "direction": "mutual", "occurred_on": today, "note": "caught up over coffee"})
    if what == "page: introductions":
        return await http.get("/introductions")
    introducer, target = rng.choice(who.introducers)
    return await http.post("/api/v1/introductions", headers=headers, json={
        "kind": "member", "introducer": introducer, "target": target,
        "purpose": f"Advice on a first data team, question {rng.randrange(10**6)}."})


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)

    def all(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


async def drive(base: str, clients: list[Client] | None, concurrency: int, seconds: float,
                limit: int, seed: int) -> Tally:
    """Closed-loop clients until `seconds` pass or `limit` requests are made."""
    tally = Tally()
    stop = time.monotonic() + seconds
    made = 0
    today = datetime.now(UTC).date().isoformat()
    names, weights = zip(*MIX, strict=True)

    async def client(n: int) -> None:
        nonlocal made
        rng = random.Random(seed * 1000 + n)
        who = clients[n % len(clients)] if clients else None
        cookies = {COOKIE: who.session} if who else None
        async with httpx.AsyncClient(base_url=base, timeout=60, cookies=cookies) as http:
            while time.monotonic() < stop and made < limit:
                made += 1
                what = rng.choices(names, weights)[0] if who else "bare"
                started = time.perf_counter()
                try:
                    if who is None:
                        response = await http.get("/constant")
                    else:
                        response = await one_request(http, who, what, rng, today)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                tally.latencies.setdefault(what, []).append(time.perf_counter() - started)
                # A member's requests are never redirected: a 3xx means a lost session.
                if status == 0 or status >= 500 or 300 <= status < 400:
                    tally.errors[what] += 1
                elif status >= 400:
                    tally.refused[what] += 1

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    return tally


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(x * 1000 for x in values)

    def at(q: float) -> float:
        return ms[min(len(ms) - 1, int(len(ms) * q))]
    return at(0.50), at(0.95), at(0.99)


def line(name: str, values: list[float], errors: int, refused: int, elapsed: float) -> str:
    p50, p95, p99 = percentiles(values)
    return (f"{name:<32} {len(values):>6} req {len(values) / elapsed:>6.0f} req/s  "
            f"p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms  errors {errors:>3}  "
            f"refused {refused:>4}")


def run_level(bases: dict[str, str], bare: str, clients: list[Client], concurrency: int,
              seconds: float, limit: int, seed: int, turn: int) -> None:
    """One level: the bare app, then each server in `bases` (named), the order of the
    servers alternating with `turn`."""
    load = os.getloadavg()
    started = time.monotonic()
    bare_tally = asyncio.run(drive(bare, None, concurrency, seconds, limit, seed))
    bare_elapsed = time.monotonic() - started
    results: dict[str, tuple[Tally, float]] = {}
    for name in list(bases) if turn % 2 == 0 else list(reversed(bases)):
        started = time.monotonic()
        tally = asyncio.run(drive(bases[name], clients, concurrency, seconds, limit, seed))
        results[name] = (tally, time.monotonic() - started)
    end = os.getloadavg()
    print(f"\n{concurrency} concurrent clients (load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f} at the start, {end[0]:.1f} {end[1]:.1f} {end[2]:.1f} at the end; "
          f"servers in the order {', '.join(results)})")
    print(line("bare FastAPI constant (2 workers)", bare_tally.all(),
               sum(bare_tally.errors.values()), 0, bare_elapsed))
    _, bare_p95, _ = percentiles(bare_tally.all())
    rates = {}
    for name in bases:
        tally, elapsed = results[name]
        everything = tally.all()
        print(line(f"{name}, all requests", everything, sum(tally.errors.values()),
                   sum(tally.refused.values()), elapsed))
        for kind, _ in MIX:
            values = tally.latencies.get(kind, [])
            if values:
                print("  " + line(kind, values, tally.errors[kind], tally.refused[kind],
                                  elapsed))
        _, p95, _ = percentiles(everything)
        rates[name] = len(everything) / elapsed
        print(f"{name}: p95 ratio to the bare app: {p95 / bare_p95:.1f}×")
    if len(bases) == 2:
        new, old = list(bases)
        print(f"throughput {new} ÷ {old}: {rates[new] / rates[old]:.2f}×")


def started_up(server: subprocess.Popen[bytes], url: str, timeout: float = 300) -> None:
    """Wait for `server` to answer at `url` (a busy machine starts it slowly), and say so
    at once if it stopped instead: a revision that does not know the database's newest
    migration refuses to start (its log is in bench/results)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server for {url} stopped (exit code {server.returncode}); "
                               "see bench/results/community-load-server*.log")
        try:
            wait_until_up(url, timeout=2)
            return
        except RuntimeError:
            continue
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")


def serve(src: Path, url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`kithbook serve --community` of the code in `src`, on loopback."""
    return subprocess.Popen(
        [sys.executable, "-m", "kithbook", "serve", "--community", "--insecure-dev",
         "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env={**os.environ, "KITHBOOK_DATABASE_URL": url, "PYTHONPATH": str(src)},
        stdout=log.open("wb"), stderr=subprocess.STDOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database", default=os.environ.get("KITHBOOK_TEST_POSTGRES_URL"),
                        help="a PostgreSQL URL; a fresh schema is made in it and dropped")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--size", type=int, default=300, help="contacts in each book")
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--seconds", type=float, default=20, help="at most, per level")
    parser.add_argument("--requests", type=int, default=4000, help="at most, per level")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--against", metavar="REV",
                        help="also serve the code of this git revision, side by side")
    args = parser.parse_args()
    if not args.database or not args.database.startswith("postgresql"):
        parser.error("give a PostgreSQL URL with --database or KITHBOOK_TEST_POSTGRES_URL")

    results = HERE / "results"
    results.mkdir(exist_ok=True)
    servers: list[subprocess.Popen[bytes]] = []
    other = tempfile.TemporaryDirectory()
    with scratch_schema(database_url_from(args.database), "kb_load") as url:
        try:
            _serve_and_drive(args, url, results, servers, other)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
            other.cleanup()


@contextmanager
def scratch_schema(base_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, migrated schema in `base_url`'s database, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base_url else "?"
    url = f"{base_url}{separator}options=-csearch_path%3D{schema}"
    try:
        engine = create_database_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _serve_and_drive(args: argparse.Namespace, url: str, results: Path,
                     servers: list[subprocess.Popen[bytes]],
                     other: tempfile.TemporaryDirectory[str]) -> None:
    started = time.monotonic()
    clients = build_community(url, args.members, args.size, args.seed)
    print(f"community: {args.members} members × {args.size} contacts, built in "
          f"{time.monotonic() - started:.0f} s; PostgreSQL, 2 uvicorn workers; "
          f"at most {args.seconds:.0f} s and {args.requests} requests per level; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    bases = {}
    port = free_port()
    servers.append(serve(HERE.parent / "src", url, port,
                         results / "community-load-server.log"))
    bases["this tree"] = f"http://127.0.0.1:{port}"
    if args.against:
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", args.against,
                                  "src"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", other.name], input=archive, check=True)
        port = free_port()
        servers.append(serve(Path(other.name) / "src", url, port,
                             results / "community-load-server-against.log"))
        bases[args.against] = f"http://127.0.0.1:{port}"
    bare_port = free_port()
    (results / "bare_app.py").write_text(BARE_APP)
    servers.append(subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(bare_port),
         "--workers", "2", "--log-level", "warning"], cwd=results,
        env={**os.environ, "PYTHONPATH": str(results)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    bare = f"http://127.0.0.1:{bare_port}"
    for server, base in zip(servers, bases.values(), strict=False):
        started_up(server, base + "/login")
    wait_until_up(bare + "/constant")
    for base in bases.values():  # unmeasured: each worker compiles the path search
        asyncio.run(drive(base, clients, 8, WARM_UP, 400, args.seed + 1))
    for turn, concurrency in enumerate(args.clients):
        run_level(bases, bare, clients, concurrency, args.seconds, args.requests,
                  args.seed, turn)


if __name__ == "__main__":
    main()
