"""Three community servers behind HAProxy (deploy/haproxy.cfg, as shipped) on one
PostgreSQL, under a mix of reads and writes from several clients; one server is killed
(SIGKILL, it and its workers) in the middle of the run and started again.

What must hold: no write lost or doubled (every interaction a client logged is stored
once; every introduction's state is what its history says, and its history is the moves
its client was told were made), no email or digest sent twice or left unsent (a real
SMTP server on loopback receives them), and the clients see at most the requests that
were in flight on the killed server fail, which they send again with the same
Idempotency-Key.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text

from community_members import add_member
from kithbook.domain.contacts import ContactFields
from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import AskRule, Visibility
from kithbook.graph import path_kernel
from kithbook.services.book import TieFields
from kithbook.services.facade import Kithbook
from kithbook.storage.database import create_database_engine
from loopback_smtp import Inbox, loopback_smtp
from served import free_port, services_for_servers, start, wait_until_up

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"
WORKERS = (2, 1, 1)  # the first server, the one killed, runs two worker processes
KILLED = 0
MEMBERS = 6  # one client each
CONTACTS = 12
TARGETS = 12
KILL_AT, RESTART_AT, STOP_AT = 5.0, 8.0, 16.0  # seconds into the load
LEASE = "6"  # seconds a killed server's claimed mail waits before another sends it
RETRIES = 40
PURPOSE = "advice on structuring a first data team"
# The state each acknowledged move leaves an introduction in.
STATE_AFTER = {"request": "requested", "forward": "forwarded", "accept": "made",
               "outcome": "made"}
NEXT_MOVE = {"request": "forward", "forward": "make", "accept": "outcome"}


def _haproxy() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)
    if found is None:
        pytest.skip("the multi-server test needs HAProxy: `apt-get install haproxy` "
                    "(.ci/run installs it where it can)")
    return found


@dataclass
class Person:
    member: Member
    token: str
    contacts: list[str]
    targets: list[str]  # in the book of the member they ask for introductions


@dataclass
class Client:
    """One member's client: reads, logs interactions, and takes introductions through
    their stages (asking its introducer, who forwards and makes them), retrying what
    failed with the same Idempotency-Key."""

    name: str
    me: Person
    introducer: Person
    http: httpx2.Client
    rng: random.Random
    issued: list[str] = field(default_factory=list)
    intros: dict[str, list[str]] = field(default_factory=dict)
    failures: list[tuple[float, str]] = field(default_factory=list)
    requests: int = 0
    current: str | None = None
    asked: int = 0

    def send(self, method: str, path: str, token: str, body: object = None,
             key: str | None = None) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {token}",
                   **({"Idempotency-Key": key} if key else {})}
        for _ in range(RETRIES):
            self.requests += 1
            try:
                answer = self.http.request(method, path, json=body, headers=headers)
            except httpx2.TransportError as exc:
                self.failures.append((time.monotonic(), f"{method} {path}: {exc!r}"))
                time.sleep(0.1)
                continue
            if answer.status_code in (502, 503, 504):
                self.failures.append((time.monotonic(), f"{method} {path}: "
                                                         f"{answer.status_code}"))
                time.sleep(0.1)
                continue
            return answer
        raise AssertionError(f"{method} {path} failed {RETRIES} times in a row")

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            roll = self.rng.random()
            if roll < 0.25:
                read = self.send("GET", "/api/v1/contacts?limit=20", self.me.token)
                assert read.status_code == 200, read.text
            elif roll < 0.40:
                read = self.send("GET", "/api/v1/introductions?limit=20", self.me.token)
                assert read.status_code == 200, read.text
            elif roll < 0.75:
                self.log()
            else:
                self.step()

    def log(self) -> None:
        note = f"load {self.name} {len(self.issued)}"
        self.issued.append(note)
        answer = self.send("POST", "/api/v1/interactions", self.me.token, {
            "contact_ids": [self.rng.choice(self.me.contacts)], "kind": "talked",
            "occurred_on": date.today().isoformat(), "note": note}, key=note)
        assert answer.status_code == 201 or _carried_out(answer), answer.text

    def step(self) -> None:
        if self.current is None:
            key = f"{self.name} ask {self.asked}"
            target = self.introducer.targets[self.asked % len(self.introducer.targets)]
            self.asked += 1
            answer = self.send("POST", "/api/v1/introductions", self.me.token, {
                "kind": "member", "introducer": self.introducer.member.id,
                "target": target, "purpose": PURPOSE}, key=key)
            if _carried_out(answer):  # asked, its answer lost: find it among my asks
                mine = self.send("GET", "/api/v1/introductions?box=outbox&limit=500",
                                 self.me.token).json()["items"]
                [found] = [i["id"] for i in mine if i["id"] not in self.intros]
                self.current = found
            else:
                assert answer.status_code == 201, answer.text
                self.current = answer.json()["id"]
            self.intros[self.current] = ["request"]
            return
        moves = self.intros[self.current]
        move = NEXT_MOVE[moves[-1]]
        token = self.me.token if move == "outcome" else self.introducer.token
        answer = self.send("POST", f"/api/v1/introductions/{self.current}/{move}", token,
                           {"rating": "positive"} if move == "outcome" else {"note": None},
                           key=f"{self.current} {move}")
        assert answer.status_code == 200 or _carried_out(answer), answer.text
        moves.append("accept" if move == "make" else move)
        if move == "outcome":
            self.current = None


def _carried_out(answer: httpx2.Response) -> bool:
    """The write landed, but the server stopped before it kept its answer."""
    return answer.status_code == 409 and answer.json()["error"]["field"] == "Idempotency-Key"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with loopback_smtp() as running:
        yield running


@pytest.fixture
def kb(postgres_schema_url: str, empty_postgres: Callable[[], None]) -> Iterator[Kithbook]:
    empty_postgres()
    with services_for_servers(postgres_schema_url) as services:
        yield services


def _community(kb: Kithbook) -> list[Person]:
    members = [add_member(kb, f"Member{n}") for n in range(MEMBERS)]
    people = []
    for n, member in enumerate(members):
        kb.book.set_default_policy(member.id, PolicyChange(visibility=Visibility.NAMED,
                                                           ask_rule=AskRule.ANYONE))
        contacts = [kb.book.add_contact(member.id, ContactFields(name=f"Friend {n}-{k}")).id
                    for k in range(CONTACTS)]
        targets = [kb.book.add_contact(member.id, ContactFields(name=f"Target {n}-{k}"),
                                       TieFields(stated_trust=3)).id for k in range(TARGETS)]
        _, token = kb.accounts.create_api_token(member.id, "load")
        people.append(Person(member, token, contacts, targets))
    # Each member asks the next one, who knows them (a linked contact) and trusts them.
    for n, person in enumerate(people):
        introducer = people[(n + 1) % MEMBERS].member.id
        known = kb.book.add_contact(introducer, ContactFields(name=f"{person.member.name} in "
                                                              "person"),
                               TieFields(stated_trust=4)).id
        with kb.uow() as uow:
            uow.contacts.link_member(introducer, known, person.member.id)
            uow.commit()
    return people


@dataclass
class Servers:
    url: str
    folder: Path
    env: dict[str, str]
    ports: list[int] = field(default_factory=list)
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, n: int) -> None:
        log = self.folder / f"server-{n}.log"
        server = start(self.url, self.ports[n], WORKERS[n], log, self.env, group=True)
        if n < len(self.running):
            self.running[n] = server
        else:
            self.running.append(server)

    def wait(self, n: int) -> None:
        wait_until_up(self.ports[n], self.running[n], self.folder / f"server-{n}.log")

    def kill(self, n: int) -> None:
        os.killpg(self.running[n].pid, signal.SIGKILL)  # no clean-up of any kind
        self.running[n].wait(timeout=30)

    def stop(self) -> None:
        for server in self.running:
            if server.poll() is None:
                server.terminate()
        for server in self.running:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture
def servers(postgres_schema_url: str, tmp_path: Path, smtp: tuple[Inbox, int]
            ) -> Iterator[Servers]:
    _, port = smtp
    env = {"KITHBOOK_SMTP_URL": f"smtp://127.0.0.1:{port}",
           "KITHBOOK_MAIL_FROM": "kithbook@community.example",
           "KITHBOOK_JOB_LEASE_SECONDS": LEASE}
    group = Servers(postgres_schema_url, tmp_path, env)
    group.ports = [free_port() for _ in WORKERS]
    try:
        yield group
    finally:
        group.stop()


@pytest.fixture
def proxy(servers: Servers, tmp_path: Path) -> Iterator[str]:
    binary = _haproxy()
    port = free_port()
    env = {**os.environ, "KITHBOOK_PROXY_BIND": f"127.0.0.1:{port}",
           "KITHBOOK_CHECK_EVERY": "300ms",
           **{f"KITHBOOK_APP{n + 1}": f"127.0.0.1:{p}" for n, p in enumerate(servers.ports)}}
    log = tmp_path / "haproxy.log"
    with log.open("wb") as out:
        running = subprocess.Popen([binary, "-db", "-f", str(CONFIG)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.terminate()
        running.wait(timeout=30)


def _sql(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_three_servers_one_killed_mid_run_lose_and_double_nothing(
        kb: Kithbook, servers: Servers, proxy: str, smtp: tuple[Inbox, int],
        postgres_schema_url: str) -> None:
    inbox, _ = smtp
    phases = [time.monotonic()]
    people = _community(kb)
    # Compiled here once into numba's cache on disk, which every server then reads:
    # otherwise the three, started at once after a change to the search, each compile it.
    path_kernel.prepare()
    phases.append(time.monotonic())
    for n in range(len(WORKERS)):
        servers.start(n)
    for n in range(len(WORKERS)):
        servers.wait(n)
    for _ in range(300):  # HAProxy's first checks have found the servers up
        try:
            if httpx2.get(f"{proxy}/login", timeout=1).status_code == 200:
                break
        except httpx2.TransportError:
            pass
        time.sleep(0.1)

    phases.append(time.monotonic())
    clients = [Client(f"c{n}", person, people[(n + 1) % MEMBERS],
                      httpx2.Client(base_url=proxy, timeout=30), random.Random(n))
               for n, person in enumerate(people)]
    began = time.monotonic()
    errors: list[BaseException] = []

    def guarded(client: Client) -> None:
        try:
            client.run(began + STOP_AT)
        except BaseException as exc:
            errors.append(exc)
            raise

    threads = [threading.Thread(target=guarded, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, began + KILL_AT - time.monotonic()))
    killed_at = time.monotonic()
    servers.kill(KILLED)
    time.sleep(max(0.0, began + RESTART_AT - time.monotonic()))
    servers.start(KILLED)
    servers.wait(0)
    for thread in threads:
        thread.join(timeout=120)
    for client in clients:
        client.http.close()
    assert errors == []
    took = time.monotonic() - began
    phases.append(time.monotonic())

    # Every interaction logged once, none that no client asked for.
    issued = [note for c in clients for note in c.issued]
    stored = dict(_sql(postgres_schema_url, "SELECT note, count(*) FROM interactions "
                                            "WHERE note LIKE 'load %' GROUP BY note"))
    assert {n: k for n, k in stored.items() if k != 1} == {}
    assert sorted(stored) == sorted(issued)

    # Every introduction is where its history says and where its client took it.
    tracked = {i: (c, moves) for c in clients for i, moves in c.intros.items()}
    assert sorted(r[0] for r in _sql(postgres_schema_url, "SELECT id FROM introductions")) \
        == sorted(tracked)
    for intro_id, (client, moves) in tracked.items():
        view = kb.intros.show(MemberId(client.me.member.id), intro_id)
        history = [move.kind.value for move in view.history]
        assert history == moves, intro_id
        assert view.state.value == STATE_AFTER[moves[-1]] == view.history[-1].state_after
        assert view.version == len(moves)

    # Every email delivered once: the move emails and one digest per member. The killed
    # server's claimed mail goes out once its lease ends.
    for _ in range(600):  # waits for the senders, not a timing claim
        with kb.uow().reading() as uow:
            if uow.outbox.pending() == 0:
                break
        time.sleep(0.1)
    phases.append(time.monotonic())
    [(sent,)] = _sql(postgres_schema_url, "SELECT count(*) FROM outbox "
                                          "WHERE sent_at IS NOT NULL")
    [(unsent,)] = _sql(postgres_schema_url, "SELECT count(*) FROM outbox "
                                            "WHERE sent_at IS NULL")
    assert unsent == 0
    # SMTP cannot make an email exactly-once: a sender killed between the SMTP server's
    # yes and the outbox's mark sends that one again after its lease. It goes under the
    # outbox row's own Message-ID, so mail systems take it as one message, and only the
    # killed server's senders (one per worker) can have had one in that moment.
    ids = inbox.message_ids()
    assert None not in ids
    again = {i: k for i, k in Counter(ids).items() if k != 1}
    assert all(k == 2 for k in again.values()) and len(again) <= WORKERS[KILLED], again
    assert len(set(ids)) == sent
    mails = list(dict(zip(ids, inbox.mails(), strict=True)).values())
    assert {m: k for m, k in Counter(mails).items() if k != 1} == {}
    digests = Counter(to for to, _, subject, _ in mails if ": your week" in subject)
    assert digests == Counter(p.member.email for p in people)

    # What the clients saw: only requests in flight when the server died failed (one
    # per client at most), each sent again until it was answered.
    failures = [(at, what) for c in clients for at, what in c.failures]
    assert len(failures) <= len(clients), failures
    assert all(at >= killed_at for at, _ in failures), failures
    requests = sum(c.requests for c in clients)
    print(f"\n{requests} requests in {took:.1f} s ({requests / took:.0f}/s) from "
          f"{len(clients)} clients through HAProxy to {len(WORKERS)} servers "
          f"({sum(WORKERS)} workers); {len(issued)} interactions logged, {len(tracked)} "
          f"introductions, {sent} emails ({len(digests)} digests); {len(failures)} "
          f"requests failed and were retried; load average {os.getloadavg()[0]:.1f}; "
          "seconds to build the community and compile the search, start, run, send the mail: "
          + ", ".join(f"{b - a:.1f}" for a, b in zip(phases, phases[1:], strict=False)))
