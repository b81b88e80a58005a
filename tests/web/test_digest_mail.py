"""The weekly digest: enqueued by a background job, once per member and week even with
two workers at it, received by a real SMTP server on loopback, and holding only the
recipient's own book."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
from community import community_app, signed_in

from community_members import add_member
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.interactions import Direction, Kind
from kithbook.domain.members import Member, Role
from kithbook.io.smtp import SmtpMailer
from kithbook.services.facade import Kithbook
from kithbook.services.mail_sender import BackgroundJob
from loopback_smtp import Inbox, loopback_smtp

# What Ben keeps in his book: never in anyone else's email.
BENS_PRIVATE = ["Zara Quill", "zara@quill.example", "Quill Labs", "owes me a favour"]
ANAS_PRIVATE = ["Cleo Park", "cleo@acme.example", "Acme Robotics", "met at the offsite"]


@dataclass
class Circle:
    ana: Member
    ben: Member
    dan: Member  # switched the digest off


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with loopback_smtp() as running:
        yield running


def _met(kb: Kithbook, member: Member, name: str, email: str, org: str, note: str) -> None:
    contact = kb.book.add_contact(member.id, ContactFields(
        name=name, organization=org, emails=[Labeled(email)], notes=note)).id
    kb.book.log_interaction(member.id, [contact], Kind.MET, Direction.MUTUAL,
                            kb.clock.today() - timedelta(days=3), note=note)


def build_circle(kb: Kithbook) -> Circle:
    ana, ben, dan = (add_member(kb, name) for name in ("Ana", "Ben", "Dan"))
    _met(kb, ana, "Cleo Park", "cleo@acme.example", "Acme Robotics", "met at the offsite")
    _met(kb, ben, "Zara Quill", "zara@quill.example", "Quill Labs", "owes me a favour")
    _met(kb, dan, "Yuri Vance", "yuri@vance.example", "Vance", "a quiet one")
    kb.notices.set_weekly_digest(dan.id, False)
    return Circle(ana, ben, dan)


def test_each_member_gets_their_own_digest_once_a_week(kb: Kithbook, clock: FixedClock,
                                                       smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@circle.example")
    circle = build_circle(kb)
    assert kb.notices.send_weekly_digests() == 2
    assert inbox.received == []  # enqueued: the mail sender sends it, not the job
    assert kb.notices.deliver_mail() == 2
    mails = {to: (subject, body) for to, _, subject, body in inbox.mails()}
    assert sorted(mails) == ["ana@example.org", "ben@example.org"]
    ana_subject, ana_body = mails["ana@example.org"]
    assert "Cleo Park" in ana_body and "/digest" in ana_body
    for secret in BENS_PRIVATE + ["cleo@acme.example", "met at the offsite"]:
        assert secret not in ana_body and secret not in ana_subject, secret
    ben_subject, ben_body = mails["ben@example.org"]
    assert "Zara Quill" in ben_body
    for secret in ANAS_PRIVATE + ["zara@quill.example", "owes me a favour"]:
        assert secret not in ben_body and secret not in ben_subject, secret
    # In the app as well, with a link to the digest page.
    [note] = kb.notices.notifications(circle.ana.id)
    assert note.link == "/digest" and "1 person deserves your time" in note.message
    app = community_app(kb)
    client, _ = signed_in(kb, app, circle.ana)
    with client:
        assert '<a href="/digest">Your digest for the week of' in client.get(
            "/notifications").text
        [listed] = client.get("/api/v1/notifications").json()
        assert (listed["link"], listed["intro_id"]) == ("/digest", None)
    assert kb.notices.notifications(circle.dan.id) == []

    # A second run in the same week sends nothing, today or later that week.
    assert kb.notices.send_weekly_digests() == 0
    clock.advance(4)
    assert kb.notices.send_weekly_digests() == 0
    assert kb.notices.deliver_mail() == 0
    assert len(inbox.received) == 2
    # Next week, again once.
    clock.advance(3)
    assert kb.notices.send_weekly_digests() == 2
    assert kb.notices.deliver_mail() == 2


def test_switching_the_digest_off_and_on_is_the_members_choice(kb: Kithbook) -> None:
    circle = build_circle(kb)
    assert kb.notices.weekly_digest_wanted(circle.ana.id) is True  # on by default
    kb.notices.set_weekly_digest(circle.ana.id, False)
    assert kb.notices.send_weekly_digests() == 1  # Ben only
    kb.notices.set_weekly_digest(circle.ana.id, True)
    assert kb.notices.send_weekly_digests() == 1  # Ana, later the same week: hers is still due
    assert kb.notices.send_weekly_digests() == 0


def test_two_workers_at_once_send_each_digest_once(settings: Settings,
                                                   clock: FixedClock) -> None:
    workers = [bootstrap(settings, clock=clock, migrate=False) for _ in range(2)]
    try:
        first = workers[0]
        members = [add_member(first, f"Member{n}") for n in range(12)]
        for member in members:
            _met(first, member, "Cleo Park", "cleo@acme.example", "Acme", "a note")
        start = threading.Barrier(2)

        def run(kb: Kithbook) -> int:
            start.wait()
            return kb.notices.send_weekly_digests()

        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = list(pool.map(run, workers))
        assert sum(counts) == len(members)
        for member in members:
            assert len(first.notices.notifications(member.id)) == 1
        with first.uow().reading() as uow:
            assert uow.outbox.pending() == len(members)
    finally:
        for kb in workers:
            kb.close()


WORKER = """
import sys
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
kb = bootstrap(Settings(database_url=sys.argv[1]), migrate=False)
sys.stdin.readline()  # both processes start the job at the same signal
print(kb.notices.send_weekly_digests())
kb.close()
"""


def test_two_worker_processes_send_each_digest_once(settings: Settings) -> None:
    # The processes read the real clock, so the book is dated by it too.
    kb = bootstrap(settings, migrate=False)
    try:
        members = [add_member(kb, f"Member{n}") for n in range(30)]
        for member in members:
            _met(kb, member, "Cleo Park", "cleo@acme.example", "Acme", "a note")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, settings.database_url],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, text=True)
                   for _ in range(2)]
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        answers = [worker.communicate(timeout=120) for worker in workers]
        assert [worker.returncode for worker in workers] == [0, 0], answers
        assert sum(int(out) for out, _ in answers) == len(members)
        for member in members:
            assert len(kb.notices.notifications(member.id)) == 1
    finally:
        kb.close()


def test_the_background_jobs_send_the_digest_without_any_request(
        kb: Kithbook, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    kb.mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", "kithbook@circle.example")
    kb.community.change_community_settings(add_member(kb, "Rae", Role.ADMIN).id,
                                           mail_sender_name="Alumni Circle", name="Alumni")
    build_circle(kb)
    jobs = [BackgroundJob(kb.notices.send_weekly_digests, 0.05),
            BackgroundJob(kb.notices.deliver_mail, 0.05)]
    for job in jobs:
        job.start()
    try:
        arrived = threading.Event()
        for _ in range(400):  # waits for the threads, not a timing claim
            if len(inbox.received) >= 3:
                arrived.set()
                break
            arrived.wait(0.05)
    finally:
        for job in jobs:
            job.stop()
    mails = inbox.mails()
    assert sorted(to for to, _, _, _ in mails) == ["ana@example.org", "ben@example.org",
                                                   "rae@example.org"]
    assert {sender for _, sender, _, _ in mails} == {"Alumni Circle <kithbook@circle.example>"}
    assert all(subject.startswith("Alumni: your week") for _, _, subject, _ in mails)

