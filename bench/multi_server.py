"""One community server against three behind HAProxy, same workers, same data, same run.

    KITHBOOK_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python bench/multi_server.py [--members 12] [--clients 12] [--seconds 15]

Builds a small community in a fresh PostgreSQL schema (dropped afterwards): --members
members with a few dozen contacts each and an API token. Then drives, in turn, (a) one
`kithbook serve --community --workers 3` and (b) three `--workers 1` servers behind
HAProxy with deploy/haproxy.cfg as shipped, with --clients closed-loop clients (each
waits for its answer before the next request): 40 % the contact list, 20 % the
introductions list, 40 % logging an interaction with an Idempotency-Key. Both setups
have three worker processes, so the difference is what the proxy and separate servers
cost. Printed per setup: requests/s, p50 and p95, errors, and what PostgreSQL did per
request in this schema (rows read and written, from pg_stat_user_tables), which is what
bounds how many servers one database carries (docs/deploy.md). The load average is
printed with each line.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, text

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings, database_url_from
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.storage.database import create_database_engine, upgrade

CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "haproxy.cfg"
CONTACTS = 40


@dataclass
class Tally:
    took: list[float] = field(default_factory=list)
    errors: int = 0


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def build(url: str, members: int) -> list[tuple[str, list[str]]]:
    """(API token, contact ids) of each member."""
    kb = bootstrap(Settings(database_url=url), migrate=False)
    try:
        people = []
        for n in range(members):
            member = Member(id=MemberId(new_id()), name=f"Member {n}",
                            email=f"member{n}@example.org", role=Role.MEMBER,
                            created_at=kb.clock.now())
            with kb.uow() as uow:
                uow.members.add(member)
                uow.accounts.add(member.id, "not a usable hash", kb.clock.now())
                uow.commit()
            ids = [kb.book.add_contact(member.id, ContactFields(
                name=f"Friend {n}-{k}", organization=f"Org {k % 7}")).id
                for k in range(CONTACTS)]
            _, token = kb.accounts.create_api_token(member.id, "bench")
            people.append((token, ids))
        return people
    finally:
        kb.close()


def serve(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KITHBOOK_DATABASE_URL": url, "PYTHONPATH": os.pathsep.join(sys.path)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kithbook", "serve", "--community", "--insecure-dev",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_up(base: str) -> None:
    for _ in range(1800):
        try:
            if httpx2.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{base} did not come up")


def drive(base: str, people: list[tuple[str, list[str]]], clients: int,
          seconds: float) -> Tally:
    tally = Tally()
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        token, contacts = people[n % len(people)]
        auth = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < until:
                roll = rng.random()
                began = time.perf_counter()
                try:
                    if roll < 0.4:
                        answer = http.get("/api/v1/contacts?limit=20", headers=auth)
                    elif roll < 0.6:
                        answer = http.get("/api/v1/introductions?limit=20", headers=auth)
                    else:
                        answer = http.post("/api/v1/interactions", headers={
                            **auth, "Idempotency-Key": uuid.uuid4().hex}, json={
                            "contact_ids": [rng.choice(contacts)], "kind": "talked",
                            "occurred_on": date.today().isoformat()})
                    failed = answer.status_code >= 400
                except httpx2.TransportError:
                    failed = True
                took = time.perf_counter() - began
                with lock:
                    tally.took.append(took)
                    tally.errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def rows(url: str) -> tuple[int, int]:
    """Rows read (sequential and by index) and written so far in this schema's tables."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            read, written = connection.execute(text(
                "SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0), "
                "coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_user_tables WHERE schemaname = current_schema()")).one()
            return int(read), int(written)
    finally:
        engine.dispose()


def report(name: str, tally: Tally, seconds: float, before: tuple[int, int],
           after: tuple[int, int]) -> None:
    done = len(tally.took)
    ms = sorted(t * 1000 for t in tally.took)
    p95 = ms[int(0.95 * (done - 1))] if ms else 0.0
    print(f"{name:<36} {done / seconds:6.1f} requests/s  p50 {statistics.median(ms):6.1f} ms"
          f"  p95 {p95:6.1f} ms  errors {tally.errors}  per request: "
          f"{(after[0] - before[0]) / done:6.1f} rows read, "
          f"{(after[1] - before[1]) / done:4.1f} written  "
          f"(load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get(
        "KITHBOOK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.access(haproxy, os.X_OK):
        raise SystemExit("this benchmark needs HAProxy: apt-get install haproxy")

    base = database_url_from(args.database)
    schema = f"kb_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    running: list[subprocess.Popen[bytes]] = []
    try:
        engine = create_database_engine(url)
        upgrade(engine)
        engine.dispose()
        people = build(url, args.members)
        folder = Path(tempfile.mkdtemp(prefix="kb-multi-"))
        single = free_port()
        ports = [free_port() for _ in range(3)]
        proxy = free_port()
        running.append(serve(url, single, 3, folder / "single.log"))
        running += [serve(url, port, 1, folder / f"app{n}.log") for n, port in enumerate(ports)]
        env = {**os.environ, "KITHBOOK_PROXY_BIND": f"127.0.0.1:{proxy}",
               **{f"KITHBOOK_APP{n + 1}": f"127.0.0.1:{p}" for n, p in enumerate(ports)}}
        running.append(subprocess.Popen([haproxy, "-db", "-f", str(CONFIG)], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        setups = [("one server, 3 workers", f"http://127.0.0.1:{single}"),
                  ("HAProxy, 3 servers x 1 worker", f"http://127.0.0.1:{proxy}")]
        for _, target in setups:
            wait_up(target)
            drive(target, people, args.clients, 2)  # warm: every worker has answered
        print(f"{args.members} members x {CONTACTS} contacts, {args.clients} clients, "
              f"{args.seconds:.0f} s each, PostgreSQL; order alternates")
        for round_ in range(2):
            for name, target in setups if round_ == 0 else setups[::-1]:
                before = rows(url)
                tally = drive(target, people, args.clients, args.seconds)
                report(name, tally, args.seconds, before, rows(url))
    finally:
        for process in running:
            process.terminate()
        for process in running:
            process.wait(timeout=30)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
