"""Consent links under pressure: two clicks at once from two servers on one database, and
any interleaving of member moves and email answers, which must leave every introduction's
history consistent with its state."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intro_town import PURPOSE, Town, build_town

from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.consent import AskEmail, DeadLink
from kithbook.domain.errors import KithbookError
from kithbook.domain.intro_records import OPEN_STATES, IntroState, MoveKind, Rating
from kithbook.domain.introductions import IntroView
from kithbook.services.facade import Kithbook

TOKEN = re.compile(r"/answer/([0-9a-z]{12}\.[A-Za-z0-9_-]{22})")


@dataclass
class Recorder:
    """The mailer port, keeping what would leave (SMTP itself: test_consent_links.py)."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str, *, key: str | None = None,
             sender_name: str | None = None,
             reply_to: str | None = None) -> None:
        self.sent.append((to, body))

    def token_to(self, address: str) -> str:
        found = [m for to, body in self.sent if to == address
                 for m in TOKEN.findall(body)]
        assert found, f"no link was sent to {address}"
        return found[-1]


def _asked(kb: Kithbook, town: Town, mailer: Recorder) -> tuple[str, str]:
    intro = kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
    kb.intros.send_ask(town.ana.id, intro.id, AskEmail("Meet Ben?", "Worth an hour."))
    kb.notices.deliver_mail()
    return intro.id, mailer.token_to("cleo@acme.example")


def test_two_clicks_at_once_on_two_servers_move_the_request_once(
        kb: Kithbook, settings: Settings) -> None:
    mailer = Recorder()
    kb.mailer = mailer
    town = build_town(kb, cleo_is_member=False)
    intro_id, token = _asked(kb, town, mailer)
    servers = [bootstrap(settings, clock=kb.clock, migrate=False) for _ in range(2)]
    start = threading.Barrier(len(servers))
    results: list[str] = []

    def click(server: Kithbook, choice: str, address: str) -> None:
        start.wait()
        try:
            server.intros.answer_link(token, choice, None, address)
            results.append(f"answered {choice}")
        except DeadLink:
            results.append("dead")

    threads = [threading.Thread(target=click, args=(s, c, a)) for s, c, a in
               zip(servers, ("yes", "no"), ("10.0.0.1", "10.0.0.2"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for server in servers:
        server.close()
    assert sorted(r.split()[0] for r in results) == ["answered", "dead"]
    view = kb.intros.show(town.ana.id, intro_id)
    answers = [m for m in view.history if m.by_email]
    assert len(answers) == 1
    won = next(r for r in results if r != "dead").split()[1]
    assert view.state is (IntroState.MADE if won == "yes" else IntroState.TARGET_DECLINED)


# ---- any interleaving ----------------------------------------------------------------------

# Weighted toward the email paths: an ask first more often than not, answers often.
STEPS = st.lists(st.sampled_from([
    "forward", "ask", "ask", "make", "decline", "withdraw", "email yes", "email yes",
    "email not_now", "email no", "open link", "wait 5 days", "wait 15 days",
    "outcome emails", "outcome emails", "email outcome requester", "email outcome target",
    "member outcome",
]), min_size=1, max_size=14).map(lambda steps: ["ask", *steps] if len(steps) % 3 else steps)


def _check(view: IntroView) -> None:
    """The history explains the state: each move starts where the last one ended."""
    allowed = {
        MoveKind.REQUEST: {None}, MoveKind.FORWARD: {IntroState.REQUESTED},
        MoveKind.DECLINE: {IntroState.REQUESTED}, MoveKind.ACCEPT: {IntroState.FORWARDED},
        MoveKind.TARGET_DECLINE: {IntroState.FORWARDED},
        MoveKind.WITHDRAW: set(OPEN_STATES), MoveKind.EXPIRE: set(OPEN_STATES),
        MoveKind.OUTCOME: {IntroState.MADE},
    }
    before: IntroState | None = None
    for move in view.history:
        assert before in allowed[move.kind], (before, move.kind)
        before = move.state_after
    assert view.state is before
    outcome_moves = [m for m in view.history if m.kind is MoveKind.OUTCOME]
    assert len(outcome_moves) == len(view.outcomes) <= 2
    assert sum(m.kind is MoveKind.ACCEPT for m in view.history) <= 1
    assert all(m.kind in (MoveKind.ACCEPT, MoveKind.TARGET_DECLINE, MoveKind.OUTCOME)
               for m in view.history if m.by_email)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_any_interleaving_of_member_and_email_answers_keeps_history_and_state_agreeing(
        kb: Kithbook) -> None:
    town = build_town(kb, cleo_is_member=False)

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(steps=STEPS)
    def replay(steps: list[str]) -> None:
        mailer = Recorder()
        kb.mailer = mailer
        intro = kb.intros.request(town.ben.id, town.ana.id, town.cleo_contact, PURPOSE)
        for step in steps:
            kb.notices.deliver_mail()
            try:
                _step(kb, town, intro.id, mailer, step)
            except (KithbookError, AssertionError):
                pass  # refused: a wrong state, a dead link, or no email sent yet
            _check(kb.intros.show(town.ana.id, intro.id))

    replay()


def _step(kb: Kithbook, town: Town, intro_id: str, mailer: Recorder, step: str) -> None:
    ana, ben = town.ana.id, town.ben.id
    moves = {
        "forward": lambda: kb.intros.forward(ana, intro_id),
        "ask": lambda: kb.intros.send_ask(ana, intro_id, AskEmail("Meet Ben?", "Worth an hour.")),
        "make": lambda: kb.intros.make(ana, intro_id),
        "decline": lambda: kb.intros.decline(ana, intro_id),
        "withdraw": lambda: kb.intros.withdraw(ben, intro_id),
        "wait 5 days": lambda: kb.clock.advance(5),  # type: ignore[attr-defined]
        "wait 15 days": lambda: kb.clock.advance(15),  # type: ignore[attr-defined]
        "outcome emails": kb.intros.send_link_emails,
        "member outcome": lambda: kb.intros.record_outcome(ben, intro_id, Rating.POSITIVE),
    }
    if step in moves:
        moves[step]()
    elif step == "open link":
        kb.intros.link_page(mailer.token_to("cleo@acme.example"), None, "10.0.0.9")
    elif step.startswith("email outcome"):
        address = "ben@example.org" if step.endswith("requester") else "cleo@acme.example"
        kb.intros.answer_link(_outcome_token(mailer, address), "useful", None, "10.0.0.9")
    else:
        kb.intros.answer_link(mailer.token_to("cleo@acme.example"), step.split()[1], None,
                              "10.0.0.9")


def _outcome_token(mailer: Recorder, address: str) -> str:
    found = [m for to, body in mailer.sent if to == address and "worthwhile" in body
             for m in TOKEN.findall(body)]
    assert found
    return found[-1]
