"""Accounts on both databases: invitations, sign-up, login, sessions, API tokens, roles."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from fakes import FixedClock
from kithbook.domain.accounts import TooManyAttempts
from kithbook.domain.errors import InvalidInput, NotAllowed, NotFound
from kithbook.domain.members import Member, Role
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services import accounts, passwords
from kithbook.services.facade import Kithbook
from sql_trace import statements

PASSWORD = "lantern orbit velvet"
WRONG = "that email and password do not match an account."


def _join(kb: Kithbook, email: str, name: str) -> Member:
    _, token = kb.accounts.invite(None, email)
    member, _ = kb.accounts.accept_invitation(token, name, PASSWORD)
    return member


def test_an_invited_person_joins_with_a_private_book(kb: Kithbook) -> None:
    admin = kb.accounts.create_admin("root@example.org", "Rae Admin", PASSWORD)
    invitation, token = kb.accounts.invite(admin.id, "Ana@Example.org")
    assert invitation.email == "ana@example.org"
    member, session = kb.accounts.accept_invitation(token, "Ana Ruiz", PASSWORD)
    assert member.role is Role.MEMBER
    assert kb.accounts.member_for_session(session) == member
    policy = kb.book.default_policy(member.id)
    assert (policy.visibility, policy.ask_rule) == (Visibility.HIDDEN, AskRule.NOBODY)


def test_an_invitation_works_once_and_not_after_it_expires(kb: Kithbook,
                                                           clock: FixedClock) -> None:
    _, token = kb.accounts.invite(None, "ana@example.org")
    kb.accounts.accept_invitation(token, "Ana", PASSWORD)
    with pytest.raises(NotFound):
        kb.accounts.accept_invitation(token, "Ana again", PASSWORD)
    _, late = kb.accounts.invite(None, "ben@example.org")
    clock.advance(15)
    with pytest.raises(NotFound) as expired:
        kb.accounts.invitation(late)
    with pytest.raises(NotFound) as made_up:
        kb.accounts.invitation("not-a-token")
    assert expired.value.message == made_up.value.message


def test_a_weak_password_is_refused_when_joining(kb: Kithbook) -> None:
    _, token = kb.accounts.invite(None, "ana@example.org")
    with pytest.raises(InvalidInput):
        kb.accounts.accept_invitation(token, "Ana", "password1")
    kb.accounts.accept_invitation(token, "Ana", PASSWORD)  # the invitation was not used up


def test_passwords_are_stored_as_argon2id_at_owasp_minimum_or_above(kb: Kithbook) -> None:
    member = _join(kb, "ana@example.org", "Ana")
    with kb.uow().reading() as uow:
        found = uow.accounts.with_email("ana@example.org")
    assert found is not None and found[0] == member
    stored = found[1]
    assert stored.startswith("$argon2id$")
    params = dict(part.split("=") for part in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19_456 and int(params["t"]) >= 2 and params["p"] == "1"
    assert PASSWORD not in stored and passwords.verify(stored, PASSWORD)


def test_login_gives_a_new_session_each_time_and_ends_the_one_it_replaces(
        kb: Kithbook) -> None:
    member = _join(kb, "ana@example.org", "Ana")
    _, first = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    _, second = kb.accounts.log_in("ANA@example.org", PASSWORD, "10.0.0.1", replacing=first)
    assert first != second and len(second) >= 22  # ≥ 128 random bits
    assert kb.accounts.member_for_session(first) is None
    assert kb.accounts.member_for_session(second) == member
    kb.accounts.log_out(second)
    assert kb.accounts.member_for_session(second) is None


def test_sessions_expire(kb: Kithbook, clock: FixedClock) -> None:
    _join(kb, "ana@example.org", "Ana")
    _, session = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    clock.advance(15)
    assert kb.accounts.member_for_session(session) is None


def test_sessions_are_stored_only_as_hashes(kb: Kithbook) -> None:
    _join(kb, "ana@example.org", "Ana")
    _, session = kb.accounts.log_in("ana@example.org", PASSWORD, "10.0.0.1")
    with kb.uow().reading() as uow:
        assert uow.accounts.session_member(session, kb.clock.now()) is None


def test_unknown_email_and_wrong_password_get_the_same_answer(kb: Kithbook) -> None:
    _join(kb, "ana@example.org", "Ana")
    with pytest.raises(InvalidInput) as wrong_password:
        kb.accounts.log_in("ana@example.org", "not her password", "10.0.0.1")
    with pytest.raises(InvalidInput) as unknown:
        kb.accounts.log_in("nobody@example.org", "not her password", "10.0.0.1")
    assert wrong_password.value.message == unknown.value.message == WRONG
    assert wrong_password.value.field == unknown.value.field


def test_guessing_slows_the_guesser_but_never_locks_the_member_out(kb: Kithbook,
                                                                   clock: FixedClock) -> None:
    _join(kb, "ana@example.org", "Ana")
    for _ in range(3):
        with pytest.raises(InvalidInput):
            kb.accounts.log_in("ana@example.org", "guess", "203.0.113.9")
    with pytest.raises(InvalidInput):
        kb.accounts.log_in("ana@example.org", "guess", "203.0.113.9")
    with pytest.raises(TooManyAttempts) as slowed:
        kb.accounts.log_in("ana@example.org", PASSWORD, "203.0.113.9")
    assert slowed.value.retry_after >= 1
    # Ana, from her own address, is not held back by the guesses.
    kb.accounts.log_in("ana@example.org", PASSWORD, "198.51.100.7")
    # Unknown emails are slowed just the same: the pause says nothing about existence.
    for _ in range(4):
        with pytest.raises(InvalidInput):
            kb.accounts.log_in("nobody@example.org", "guess", "203.0.113.10")
    with pytest.raises(TooManyAttempts):
        kb.accounts.log_in("nobody@example.org", "guess", "203.0.113.10")
    clock.current += timedelta(seconds=slowed.value.retry_after)
    kb.accounts.log_in("ana@example.org", PASSWORD, "203.0.113.9")


def test_only_admins_and_allowed_members_invite(kb: Kithbook) -> None:
    admin = kb.accounts.create_admin("root@example.org", "Rae Admin", PASSWORD)
    ana = _join(kb, "ana@example.org", "Ana")
    with pytest.raises(NotAllowed):
        kb.accounts.invite(ana.id, "ben@example.org")
    kb.community.allow_inviting(admin.id, ana.id, True)
    kb.accounts.invite(ana.id, "ben@example.org")
    with pytest.raises(NotAllowed):
        kb.accounts.invite(ana.id, "cleo@example.org", role=Role.ADMIN)
    with pytest.raises(NotAllowed):
        kb.community.allow_inviting(ana.id, ana.id, True)


def test_inviting_an_email_with_an_account_reads_and_works_alike_but_never_joins(
        kb: Kithbook) -> None:
    _join(kb, "ana@example.org", "Ana")
    with statements() as to_member:
        taken, token = kb.accounts.invite(None, "ana@example.org")
    with statements() as to_stranger:
        kb.accounts.invite(None, "ben@example.org")
    assert to_member == to_stranger
    assert kb.accounts.invitation(token) == taken  # its page reads like any other
    with pytest.raises(NotFound, match="sign in instead"):
        kb.accounts.accept_invitation(token, "Not Ana", PASSWORD)
    with pytest.raises(InvalidInput):  # the operator, on the server itself, is told
        kb.accounts.create_admin("ana@example.org", "Ana", PASSWORD)


def test_only_admins_list_members_and_invitations(kb: Kithbook) -> None:
    admin = kb.accounts.create_admin("root@example.org", "Rae Admin", PASSWORD)
    ana = _join(kb, "ana@example.org", "Ana")
    assert [row.member.name for row in kb.community.community_members(admin.id)] == ["Ana",
                                                                                     "Rae Admin"]
    assert [i.email for i in kb.community.invitations(admin.id)] == ["ana@example.org"]
    with pytest.raises(NotAllowed):
        kb.community.community_members(ana.id)
    with pytest.raises(NotAllowed):
        kb.community.invitations(ana.id)


def test_api_tokens_act_as_their_member_until_revoked(kb: Kithbook) -> None:
    ana = _join(kb, "ana@example.org", "Ana")
    ben = _join(kb, "ben@example.org", "Ben")
    token, raw = kb.accounts.create_api_token(ana.id, "nightly export")
    assert raw.startswith("kb_")
    assert kb.accounts.member_for_api_token(raw) == ana
    assert kb.accounts.api_tokens(ana.id)[0].last_used_at is not None
    assert kb.accounts.api_tokens(ben.id) == []
    with pytest.raises(NotFound):
        kb.accounts.revoke_api_token(ben.id, token.id)
    kb.accounts.revoke_api_token(ana.id, token.id)
    assert kb.accounts.member_for_api_token(raw) is None


def test_failed_logins_at_once_are_all_counted_without_colliding(kb: Kithbook) -> None:
    _join(kb, "ana@example.org", "Ana")

    def fail(_: int) -> str:
        try:
            kb.accounts.log_in("ana@example.org", "guess", "203.0.113.9")
        except (InvalidInput, TooManyAttempts) as exc:
            return exc.code
        return "logged in"

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(fail, range(8)))
    assert set(answers) <= {"invalid_input", "too_many_attempts"}
    with kb.uow().reading() as uow:
        assert uow.accounts.throttle(accounts.throttle_key(
            "address", "203.0.113.9")) is not None
