"""Background work claimed through the database: with many claimers at once (threads and
processes, as several servers' workers are) each email is sent once and each periodic
job runs once; a claimer killed mid-job leaves its work to another once its lease ends,
none of it lost and none doubled."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calendar_samples import sam_with_dana_and_lee
from community_members import add_member
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.ids import new_id
from kithbook.domain.notifications import OutgoingMail
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from loopback_smtp import Inbox, loopback_smtp

CLAIMERS = 6
LEASE = 600.0


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with loopback_smtp() as running:
        yield running


def _servers(settings: Settings, clock: FixedClock, count: int) -> list[Kithbook]:
    """`count` service objects on one database, each with its own engine and pool, as
    the workers of several servers have."""
    return [bootstrap(settings, clock=clock, migrate=False) for _ in range(count)]


def _enqueue(kb: Kithbook, count: int, at: datetime) -> list[str]:
    ids = [new_id() for _ in range(count)]
    with kb.uow() as uow:
        for n, mail_id in enumerate(ids):
            uow.outbox.add(OutgoingMail(id=mail_id, to_address=f"m{n}@example.org",
                                        subject=f"mail {n}", body=f"body {n}"), at)
        uow.commit()
    return ids


def _at_once(servers: list[Any], call: str) -> list[object]:
    start = threading.Barrier(len(servers))

    def run(kb: Any) -> object:
        start.wait()
        return getattr(kb, call)()

    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        return list(pool.map(run, servers))


def test_concurrent_senders_send_each_email_once(settings: Settings, clock: FixedClock,
                                                  smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    servers = _servers(settings, clock, CLAIMERS)
    try:
        for kb in servers:
            kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@example.org")
        _enqueue(servers[0], 120, clock.now())
        sent = 0
        for _ in range(10):  # each pass claims at most 50 per sender
            sent += sum(int(n) for n in _at_once([kb.notices for kb in servers], "deliver_mail"))
        assert sent == 120
        subjects = sorted(subject for _, _, subject, _ in inbox.mails())
        assert subjects == sorted(f"mail {n}" for n in range(120))  # each once
    finally:
        for kb in servers:
            kb.close()


def test_a_periodic_job_runs_once_per_period_across_servers(settings: Settings,
                                                            clock: FixedClock) -> None:
    servers = _servers(settings, clock, CLAIMERS)
    runs: list[int] = []
    try:
        def job(kb: Kithbook) -> int | None:
            return kb.jobs.run_job("sweep", 900, lambda: runs.append(1) or 1)

        start = threading.Barrier(len(servers))

        def claim(kb: Kithbook) -> int | None:
            start.wait()
            return job(kb)

        with ThreadPoolExecutor(max_workers=len(servers)) as pool:
            done = list(pool.map(claim, servers))
        assert runs == [1] and done.count(1) == 1 and done.count(None) == CLAIMERS - 1
        # Polled again within the period: nobody runs it; after it, one server does.
        assert [job(kb) for kb in servers] == [None] * CLAIMERS
        clock.current += timedelta(seconds=901)
        assert [job(kb) for kb in servers].count(1) == 1
        assert runs == [1, 1]
    finally:
        for kb in servers:
            kb.close()


def test_a_job_that_fails_is_due_again_after_its_period(kb: Kithbook,
                                                        clock: FixedClock) -> None:
    def broken() -> int:
        raise RuntimeError("the mail server is away")

    with pytest.raises(RuntimeError):
        kb.jobs.run_job("digest", 3600, broken)
    assert kb.jobs.run_job("digest", 3600, lambda: 7) is None  # released, but not due yet
    clock.current += timedelta(seconds=3601)
    assert kb.jobs.run_job("digest", 3600, lambda: 7) == 7


# A claimer in its own process, killed (SIGKILL: no clean-up of any kind) in the middle
# of its work: sending to an SMTP server that never answers, or inside a periodic job.
KILLED = """
import sys, threading
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.io.smtp import SmtpMailer
url, what, port = sys.argv[1], sys.argv[2], sys.argv[3]
kb = bootstrap(Settings(database_url=url), migrate=False)
if what == "mail":
    kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@example.org", timeout=600)
    print("claiming", flush=True)
    kb.notices.deliver_mail()
else:
    def work():
        print("running", flush=True)
        threading.Event().wait()
        return 0
    kb.jobs.run_job("digest", 3600, work)
"""


def _killed_mid_job(settings: Settings, what: str, wait_for: str) -> None:
    # A listener that accepts and never greets: the sender hangs in its SMTP exchange.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        worker = subprocess.Popen(
            [sys.executable, "-c", KILLED, settings.database_url, what,
             str(silent.getsockname()[1])],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        connected = None
        try:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == wait_for
            if what == "mail":
                connected, _ = silent.accept()  # the sender has claimed its mail
        finally:
            worker.send_signal(signal.SIGKILL)
            _, errors = worker.communicate(timeout=30)
            if connected is not None:
                connected.close()
        assert worker.returncode == -signal.SIGKILL, errors


def test_mail_of_a_sender_killed_mid_send_goes_once_after_its_lease(
        settings: Settings, smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    now = datetime.now(UTC)  # the killed process reads the real clock
    kb = bootstrap(settings, clock=FixedClock(now), migrate=False)
    try:
        kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@example.org")
        _enqueue(kb, 5, now - timedelta(seconds=1))
        _killed_mid_job(settings, "mail", "claiming")
        assert kb.notices.deliver_mail() == 0  # still leased to the dead sender
        assert inbox.received == []
        kb.clock = FixedClock(datetime.now(UTC) + timedelta(seconds=LEASE + 1))
        assert kb.notices.deliver_mail() == 5
        assert kb.notices.deliver_mail() == 0
        assert sorted(s for _, _, s, _ in inbox.mails()) == [f"mail {n}" for n in range(5)]
    finally:
        kb.close()


def test_a_periodic_job_of_a_killed_server_is_taken_over_after_its_lease(
        settings: Settings) -> None:
    now = datetime.now(UTC)
    kb = bootstrap(settings, clock=FixedClock(now), migrate=False)
    try:
        _killed_mid_job(settings, "job", "running")
        assert kb.jobs.run_job("digest", 3600, lambda: 1) is None  # held by the dead server
        kb.clock = FixedClock(datetime.now(UTC) + timedelta(seconds=LEASE + 1))
        assert kb.jobs.run_job("digest", 3600, lambda: 1) == 1
    finally:
        kb.close()


def test_digests_with_many_claimers_at_once_go_once_each(settings: Settings,
                                                         clock: FixedClock) -> None:
    servers = _servers(settings, clock, CLAIMERS)
    try:
        members = [add_member(servers[0], f"Member{n}") for n in range(20)]
        counts = _at_once([kb.notices for kb in servers], "send_weekly_digests")
        assert sum(int(n) for n in counts) == len(members)
        for member in members:
            assert len(servers[0].notices.notifications(member.id)) == 1
        with servers[0].uow().reading() as uow:
            assert uow.outbox.pending() == len(members)
    finally:
        for kb in servers:
            kb.close()


def test_a_sender_slower_than_its_lease_never_sends_what_another_took_over(
        settings: Settings, clock: FixedClock, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    slow, other = _servers(settings, clock, 2)
    real = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@example.org")

    class Stalling:
        """Each email takes over half the lease: by the end of the second, the lease on
        the rest of the batch has ended, and the other sender takes them over."""

        def __init__(self) -> None:
            self.sends = 0
            self.taken_over = 0

        def send(self, to: str, subject: str, body: str, **options: str | None) -> None:
            self.sends += 1
            clock.current += timedelta(seconds=LEASE / 2 + 1)
            if self.sends == 2:
                self.taken_over = other.notices.deliver_mail()
            real.send(to, subject, body, **options)

    try:
        stalling = Stalling()
        slow.mailer, other.mailer = stalling, real
        _enqueue(slow, 5, clock.now())
        assert slow.notices.deliver_mail() == 2  # each of its two renewed its lease before sending
        assert stalling.taken_over == 3
        assert sorted(s for _, _, s, _ in inbox.mails()) == [f"mail {n}" for n in range(5)]
    finally:
        slow.close()
        other.close()


def test_capture_runs_due_with_many_claimers_at_once_run_once_each(
        settings: Settings, clock: FixedClock, tmp_path: Path) -> None:
    fetched: list[str] = []
    folder = tmp_path / "www"
    folder.mkdir()
    for n in range(8):
        (folder / f"cal{n}.ics").write_bytes(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n")

    class Counting(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            fetched.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: Counting(*a, directory=str(folder), **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    servers = _servers(settings, clock, CLAIMERS)
    try:
        me = sam_with_dana_and_lee(servers[0])
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for n in range(8):
            servers[0].capture().add_ics(me.id, f"{base}/cal{n}.ics", check=False,
                                         scheduled=True)
        ran = 0
        for _ in range(4):  # each pass claims at most four sources per claimer
            ran += sum(len(o) for o in _at_once(
                [kb.capture() for kb in servers], "run_due"))
        assert ran == 8
        assert sorted(fetched) == sorted(f"/cal{n}.ics" for n in range(8))
    finally:
        server.shutdown()
        server.server_close()
        for kb in servers:
            kb.close()
