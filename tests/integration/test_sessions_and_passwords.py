"""Sessions that end when idle or old, the member's list of them, password change and
reset by email, and the community's settings: on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from fakes import FixedClock
from kithbook.domain.accounts import RESET_LIFETIME, TooManyAttempts
from kithbook.domain.errors import InvalidInput, NotAllowed, NotFound
from kithbook.domain.members import Member, Role
from kithbook.services import accounts
from kithbook.services.facade import Kithbook
from kithbook.storage.database import create_database_engine
from kithbook.storage.tables import outbox as outbox_table
from kithbook.storage.tables import password_resets

PASSWORD = "lantern orbit velvet"
NEW_PASSWORD = "harbour quince mosaic"


@dataclass
class Outbox:
    """The mailer port, recording what would leave (SMTP itself is tested in tests/web)."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str, *,
             sender_name: str | None = None, reply_to: str | None = None,
             key: str | None = None) -> None:
        self.sent.append((to, subject, body))


def _join(kb: Kithbook, email: str, name: str) -> Member:
    _, token = kb.accounts.invite(None, email)
    member, _ = kb.accounts.accept_invitation(token, name, PASSWORD)
    return member


def _reset_link(kb: Kithbook, outbox: Outbox, to: str) -> str:
    kb.notices.deliver_mail()
    bodies = [body for address, subject, body in outbox.sent
              if address == to and "reset your password" in subject]
    assert bodies, outbox.sent
    found = re.search(r"/password-reset/(\S+)", bodies[-1])
    assert found, bodies[-1]
    return found.group(1)


# ---- sessions --------------------------------------------------------------------------

def test_a_session_left_idle_ends_and_one_in_use_lives_on(kb: Kithbook,
                                                          clock: FixedClock) -> None:
    kb.settings = replace(kb.settings, session_idle_hours=2, session_lifetime_days=14)
    member = _join(kb, "ana@example.org", "Ana")
    _, used = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    _, left = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.2")
    for _ in range(5):  # ten hours, with a request every two hours less a bit
        clock.current += timedelta(hours=1, minutes=50)
        assert kb.accounts.member_for_session(used) == member
    assert kb.accounts.member_for_session(left) is None


def test_a_session_ends_at_its_lifetime_however_busy(kb: Kithbook, clock: FixedClock) -> None:
    kb.settings = replace(kb.settings, session_idle_hours=24, session_lifetime_days=2)
    member = _join(kb, "ana@example.org", "Ana")
    _, session = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    for _ in range(3):
        clock.current += timedelta(hours=15)
        assert kb.accounts.member_for_session(session) == member
    clock.current += timedelta(hours=4)  # 49 hours after signing in
    assert kb.accounts.member_for_session(session) is None


def test_the_sweep_deletes_ended_sessions_only(kb: Kithbook, clock: FixedClock) -> None:
    kb.settings = replace(kb.settings, session_idle_hours=1)
    ana = _join(kb, "ana@example.org", "Ana")
    _, stale = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    clock.current += timedelta(minutes=90)
    _, fresh = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    assert kb.accounts.sweep_sessions() == 2  # the one from joining, and `stale`
    assert [s.current for s in kb.accounts.my_sessions(ana.id, fresh)] == [True]
    assert kb.accounts.member_for_session(stale) is None


def test_a_member_lists_their_sessions_and_ends_one_or_all(kb: Kithbook) -> None:
    ana = _join(kb, "ana@example.org", "Ana")
    ben = _join(kb, "ben@example.org", "Ben")
    _, phone = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1", user_agent="Phone")
    _, laptop = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.2", user_agent="Laptop")
    listed = kb.accounts.my_sessions(ana.id, laptop)
    assert sorted(s.user_agent or "-" for s in listed) == ["-", "Laptop", "Phone"]
    assert [s.user_agent for s in listed if s.current] == ["Laptop"]
    phone_id = next(s.id for s in listed if s.user_agent == "Phone")
    with pytest.raises(NotFound) as theirs:
        kb.accounts.end_my_session(ben.id, phone_id)
    with pytest.raises(NotFound) as made_up:
        kb.accounts.end_my_session(ben.id, "zzzzzzzzzzzz")
    assert theirs.value.message.replace(phone_id, "ID") == made_up.value.message.replace(
        "zzzzzzzzzzzz", "ID")
    assert kb.accounts.member_for_session(phone) == ana
    kb.accounts.end_my_session(ana.id, phone_id)
    assert kb.accounts.member_for_session(phone) is None
    assert kb.accounts.member_for_session(laptop) == ana
    kb.accounts.sign_out_everywhere(ana.id)
    assert kb.accounts.my_sessions(ana.id) == []
    assert kb.accounts.my_sessions(ben.id) != []  # Ben's sessions are his


def test_session_timeouts_come_from_the_environment() -> None:
    from kithbook.config import load_settings

    settings = load_settings({"KITHBOOK_SESSION_IDLE_HOURS": "0.5",
                              "KITHBOOK_SESSION_LIFETIME_DAYS": "3"})
    assert (settings.session_idle_hours, settings.session_lifetime_days) == (0.5, 3.0)
    with pytest.raises(InvalidInput, match="KITHBOOK_SESSION_IDLE_HOURS"):
        load_settings({"KITHBOOK_SESSION_IDLE_HOURS": "soon"})


# ---- password change -------------------------------------------------------------------

def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
        kb: Kithbook) -> None:
    kb.mailer = outbox = Outbox()
    ana = _join(kb, "ana@example.org", "Ana")
    _, here = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    _, elsewhere = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.2")
    with pytest.raises(InvalidInput) as wrong:
        kb.accounts.change_password(ana.id, "not my password", NEW_PASSWORD, session=here)
    assert wrong.value.field == "current_password"
    with pytest.raises(InvalidInput):
        kb.accounts.change_password(ana.id, PASSWORD, "password1", session=here)  # a common one
    assert kb.accounts.member_for_session(elsewhere) == ana  # nothing changed yet
    fresh = kb.accounts.change_password(ana.id, PASSWORD, NEW_PASSWORD, session=here)
    assert fresh is not None and fresh not in (here, elsewhere)
    assert kb.accounts.member_for_session(here) is None
    assert kb.accounts.member_for_session(elsewhere) is None
    assert kb.accounts.member_for_session(fresh) == ana
    with pytest.raises(InvalidInput):
        kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.3")
    kb.accounts.log_in("ana@example.org", NEW_PASSWORD, "10.0.0.3")
    kb.notices.deliver_mail()
    assert [(to, subject) for to, subject, _ in outbox.sent] == [
        ("ana@example.org", "Kithbook: your password was changed")]


def test_guessing_the_current_password_is_slowed(kb: Kithbook) -> None:
    ana = _join(kb, "ana@example.org", "Ana")
    for _ in range(4):
        with pytest.raises(InvalidInput):
            kb.accounts.change_password(ana.id, "guess", NEW_PASSWORD)
    with pytest.raises(TooManyAttempts):
        kb.accounts.change_password(ana.id, PASSWORD, NEW_PASSWORD)


# ---- password reset --------------------------------------------------------------------

def test_a_reset_link_works_once_and_ends_every_session(kb: Kithbook) -> None:
    kb.mailer = outbox = Outbox()
    ana = _join(kb, "ana@example.org", "Ana")
    _, session = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    kb.accounts.request_password_reset("Ana@Example.org", "10.0.0.9")
    token = _reset_link(kb, outbox, "ana@example.org")
    assert kb.accounts.password_reset(token).member_id == ana.id
    assert kb.accounts.reset_password(token, NEW_PASSWORD) == ana
    assert kb.accounts.member_for_session(session) is None
    kb.accounts.log_in("ana@example.org", NEW_PASSWORD, "10.0.0.1")
    with pytest.raises(NotFound) as again:
        kb.accounts.reset_password(token, "another fine passphrase")
    with pytest.raises(NotFound) as made_up:
        kb.accounts.password_reset("not-a-token")
    assert again.value.message == made_up.value.message == accounts.DEAD_RESET


def test_a_reset_token_is_never_stored_in_clear(kb: Kithbook) -> None:
    kb.mailer = outbox = Outbox()
    _join(kb, "ana@example.org", "Ana")
    kb.accounts.request_password_reset("ana@example.org", "10.0.0.9")
    with kb.uow().reading() as uow:
        [waiting] = uow.outbox.claim_due(kb.clock.now(), kb.clock.now(), 10)
    assert "/password-reset/" not in waiting.body  # a placeholder, not a usable link
    token = _reset_link(kb, outbox, "ana@example.org")
    engine = create_database_engine(kb.settings.database_url)
    try:
        with engine.connect() as connection:
            stored = [str(v) for table in (outbox_table, password_resets)
                      for row in connection.execute(select(table)).all() for v in row]
    finally:
        engine.dispose()
    assert stored and not any(token in value for value in stored)


def test_a_reset_link_expires_soon(kb: Kithbook, clock: FixedClock) -> None:
    kb.mailer = outbox = Outbox()
    _join(kb, "ana@example.org", "Ana")
    kb.accounts.request_password_reset("ana@example.org", "10.0.0.9")
    token = _reset_link(kb, outbox, "ana@example.org")
    clock.current += RESET_LIFETIME
    with pytest.raises(NotFound):
        kb.accounts.reset_password(token, NEW_PASSWORD)


def test_a_new_password_also_ends_older_reset_links(kb: Kithbook) -> None:
    kb.mailer = outbox = Outbox()
    ana = _join(kb, "ana@example.org", "Ana")
    kb.accounts.request_password_reset("ana@example.org", "10.0.0.9")
    token = _reset_link(kb, outbox, "ana@example.org")
    kb.accounts.change_password(ana.id, PASSWORD, NEW_PASSWORD)
    with pytest.raises(NotFound):
        kb.accounts.password_reset(token)


def test_a_reset_request_answers_the_same_whether_or_not_the_email_has_an_account(
        kb: Kithbook) -> None:
    kb.mailer = outbox = Outbox()
    _join(kb, "ana@example.org", "Ana")
    known = kb.accounts.request_password_reset("ana@example.org", "10.0.0.9")
    unknown = kb.accounts.request_password_reset("zed@example.org", "10.0.0.9")
    assert known == unknown == accounts.RESET_SENT
    kb.notices.deliver_mail()
    assert [to for to, _, _ in outbox.sent] == ["ana@example.org"]


def test_reset_requests_are_limited_alike_for_members_and_strangers(
        kb: Kithbook, clock: FixedClock) -> None:
    _join(kb, "ana@example.org", "Ana")
    for email in ("ana@example.org", "zed@example.org"):
        for n in range(3):
            kb.accounts.request_password_reset(email, f"10.0.{n}.1")
        with pytest.raises(TooManyAttempts) as limited:
            kb.accounts.request_password_reset(email, "10.0.9.1")
        assert limited.value.retry_after > 0
    # And per client address, whatever emails it asks about.
    for n in range(20):
        kb.accounts.request_password_reset(f"someone{n}@example.org", "203.0.113.5")
    with pytest.raises(TooManyAttempts):
        kb.accounts.request_password_reset("another@example.org", "203.0.113.5")
    clock.advance(1 / 24 + 1 / 86400)  # the hour is over
    kb.accounts.request_password_reset("ana@example.org", "203.0.113.5")


# ---- community settings ----------------------------------------------------------------

def test_only_an_admin_reads_or_changes_the_community_settings(kb: Kithbook) -> None:
    admin = kb.accounts.create_admin("root@example.org", "Rae Admin", PASSWORD)
    ana = _join(kb, "ana@example.org", "Ana")
    assert kb.community.community_settings(admin.id).name == "Kithbook"
    changed = kb.community.change_community_settings(admin.id, name="  Alumni   of 2019 ",
                                                     invitation_days=3)
    assert (changed.name, changed.invitation_days) == ("Alumni of 2019", 3)
    assert kb.community.community_settings(admin.id) == changed
    assert kb.community.community_name() == "Alumni of 2019"
    with pytest.raises(NotAllowed):
        kb.community.community_settings(ana.id)
    with pytest.raises(NotAllowed):
        kb.community.change_community_settings(ana.id, name="Taken over")
    with pytest.raises(InvalidInput) as bad:
        kb.community.change_community_settings(admin.id, invitation_days=365)
    assert bad.value.field == "invitation_days"
    with pytest.raises(InvalidInput):
        kb.community.change_community_settings(admin.id, mail_sender_name="Eve <eve@evil.example>")
    assert kb.community.community_settings(admin.id) == changed
    # Line breaks fold into spaces: a sender name can never add a header.
    folded = kb.community.change_community_settings(admin.id, mail_sender_name="Eve\r\nBcc: x")
    assert folded.mail_sender_name == "Eve Bcc: x"


def test_the_settings_decide_who_invites_and_for_how_long(kb: Kithbook,
                                                          clock: FixedClock) -> None:
    admin = kb.accounts.create_admin("root@example.org", "Rae Admin", PASSWORD)
    ana = _join(kb, "ana@example.org", "Ana")
    with pytest.raises(NotAllowed):
        kb.accounts.invite(ana.id, "ben@example.org")
    kb.community.change_community_settings(admin.id, members_may_invite=True, invitation_days=2)
    invitation, token = kb.accounts.invite(ana.id, "ben@example.org")
    assert invitation.expires_at == clock.now() + timedelta(days=2)
    with pytest.raises(NotAllowed):
        kb.accounts.invite(ana.id, "cleo@example.org", role=Role.ADMIN)  # still admins only
    clock.advance(2)
    with pytest.raises(NotFound):
        kb.accounts.invitation(token)


def test_community_settings_never_open_a_new_members_book(kb: Kithbook) -> None:
    admin = kb.accounts.create_admin("root@example.org", "Rae Admin", PASSWORD)
    kb.community.change_community_settings(admin.id, name="Open circle", members_may_invite=True)
    ana = _join(kb, "ana@example.org", "Ana")
    policy = kb.book.default_policy(ana.id)
    assert (policy.visibility.value, policy.ask_rule.value) == ("hidden", "nobody")
