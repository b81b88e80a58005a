"""Use cases of a community server's accounts: invitations, sign-up, login, API tokens.

Every answer to a failed login is the same sentence, whether the email exists or not,
and costs the same time (an unknown email is checked against a stand-in hash).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kithbook.domain.accounts import (
    INVITATION_LIFETIME,
    ApiToken,
    Invitation,
    TooManyAttempts,
    after_address_failure,
    after_pair_failure,
    check_password,
    normalize_email,
    wait_seconds,
)
from kithbook.domain.errors import InvalidInput, NotAllowed, NotFound
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.services import passwords, sessions
from kithbook.services.ports import Clock, UnitOfWork

WRONG_LOGIN = "that email and password do not match an account."
DEAD_INVITATION = ("this invitation link is not valid: it may have expired or been used. "
                   "Ask whoever invited you for a new one.")


@dataclass(frozen=True)
class MemberRow:
    """What an admin sees of a member: the account, never the book."""

    member: Member
    may_invite: bool


def _throttle_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > 200:
        raise InvalidInput("give your name as others will see it (up to 200 characters).",
                           field="name")
    return name


def create_admin(uow: UnitOfWork, email: str, name: str, password: str,
                 clock: Clock) -> Member:
    """Bootstrap: an admin account made from the command line."""
    address = normalize_email(email)
    check_password(password, email=address)
    password_hash = passwords.hash_password(password)
    member = Member(id=MemberId(new_id()), name=_name(name), email=address, role=Role.ADMIN,
                    created_at=clock.now())
    with uow:
        if uow.accounts.email_taken(address):
            raise InvalidInput(f"{address} already has an account.", field="email")
        uow.members.add(member)
        uow.accounts.add(member.id, password_hash, clock.now(), may_invite=True)
        uow.commit()
    return member


def invite(uow: UnitOfWork, actor: MemberId | None, email: str, clock: Clock, *,
           role: Role = Role.MEMBER) -> tuple[Invitation, str]:
    """An invitation and its secret token (shown once). `actor` None: the operator's CLI."""
    address = normalize_email(email)
    now = clock.now()
    with uow:
        if actor is not None:
            inviter = uow.members.get(actor)
            is_admin = inviter is not None and inviter.role is Role.ADMIN
            if not is_admin and (role is Role.ADMIN or not uow.accounts.may_invite(actor)):
                raise NotAllowed("only an admin, or a member an admin allowed to, can invite "
                                 "people; only an admin can invite an admin.")
        if uow.accounts.email_taken(address):
            raise InvalidInput(f"{address} already has an account.", field="email")
        invitation = Invitation(id=new_id(), email=address, role=role, invited_by=actor,
                                created_at=now, expires_at=now + INVITATION_LIFETIME)
        token = sessions.new_token()
        uow.accounts.add_invitation(invitation, sessions.token_hash(token))
        uow.commit()
    return invitation, token


def invitation(uow: UnitOfWork, token: str, clock: Clock) -> Invitation:
    with uow.reading():
        found = uow.accounts.invitation(sessions.token_hash(token))
    if found is None or not found.is_open(clock.now()):
        raise NotFound(DEAD_INVITATION)
    return found


def accept_invitation(uow: UnitOfWork, token: str, name: str, password: str, clock: Clock,
                      *, replacing: str | None = None) -> tuple[Member, str]:
    """Create the invited member's account; returns them and their first session token."""
    pending = invitation(uow, token, clock)
    check_password(password, email=pending.email)
    password_hash = passwords.hash_password(password)
    now = clock.now()
    # New members start with every tie hidden and nobody allowed to ask (SharingPolicy()).
    member = Member(id=MemberId(new_id()), name=_name(name), email=pending.email,
                    role=pending.role, created_at=now)
    with uow:
        if not uow.accounts.accept_invitation(pending.id, now) or \
                uow.accounts.email_taken(pending.email):
            raise NotFound(DEAD_INVITATION)
        uow.members.add(member)
        uow.accounts.add(member.id, password_hash, now, may_invite=member.role is Role.ADMIN)
        session = sessions.start_in(uow, member.id, now, replacing)
        uow.commit()
    return member, session


def log_in(uow: UnitOfWork, email: str, password: str, address: str, clock: Clock, *,
           replacing: str | None = None) -> tuple[Member, str]:
    """A fresh session for the right password; one answer for every wrong one.

    Failures are counted per (email, address) and per address; see
    `domain.accounts.after_pair_failure` for why that never locks the real member out.
    """
    folded = email.strip().casefold()
    pair_key = _throttle_key("pair", folded, address)
    address_key = _throttle_key("address", address)
    now = clock.now()
    with uow.reading():
        pair = uow.accounts.throttle(pair_key)
        per_address = uow.accounts.throttle(address_key)
        wait = wait_seconds([pair, per_address], now)
        found = None if wait else uow.accounts.with_email(folded)
    if wait:
        raise TooManyAttempts(wait)
    # Hash outside any transaction: a check takes tens of milliseconds.
    matches = passwords.verify(found[1] if found else None, password)
    with uow:
        if found is None or not matches:
            uow.accounts.set_throttle(pair_key, after_pair_failure(pair, now))
            uow.accounts.set_throttle(address_key, after_address_failure(per_address, now))
            uow.commit()
            raise InvalidInput(WRONG_LOGIN, field="password")
        member, password_hash = found
        uow.accounts.clear_throttle(pair_key)
        if passwords.needs_rehash(password_hash):
            uow.accounts.set_password_hash(member.id, passwords.hash_password(password))
        session = sessions.start_in(uow, member.id, now, replacing)
        uow.commit()
    return member, session


def _require_admin(uow: UnitOfWork, actor: MemberId) -> None:
    member = uow.members.get(actor)
    if member is None or member.role is not Role.ADMIN:
        raise NotAllowed("only an admin can see or change this.")


def members(uow: UnitOfWork, actor: MemberId) -> list[MemberRow]:
    with uow.reading():
        _require_admin(uow, actor)
        return [MemberRow(m, may) for m, may in uow.accounts.all_members()]


def invitations(uow: UnitOfWork, actor: MemberId) -> list[Invitation]:
    with uow.reading():
        _require_admin(uow, actor)
        return uow.accounts.invitations()


def allow_inviting(uow: UnitOfWork, actor: MemberId, member_id: str, allowed: bool) -> None:
    with uow:
        _require_admin(uow, actor)
        if uow.members.get(MemberId(member_id)) is None:
            raise NotFound(f"no member with the id {member_id!r}.")
        uow.accounts.set_may_invite(MemberId(member_id), allowed)
        uow.commit()


def create_api_token(uow: UnitOfWork, actor: MemberId, name: str,
                     clock: Clock) -> tuple[ApiToken, str]:
    label = " ".join(name.split())
    if not label or len(label) > 100:
        raise InvalidInput("name the token after the script that will use it "
                           "(up to 100 characters).", field="name")
    token = ApiToken(id=new_id(), member_id=actor, name=label, created_at=clock.now())
    raw = sessions.API_TOKEN_PREFIX + sessions.new_token()
    with uow:
        uow.accounts.add_token(token, sessions.token_hash(raw))
        uow.commit()
    return token, raw


def api_tokens(uow: UnitOfWork, actor: MemberId) -> list[ApiToken]:
    with uow.reading():
        return uow.accounts.tokens_of(actor)


def revoke_api_token(uow: UnitOfWork, actor: MemberId, token_id: str) -> None:
    with uow:
        if not uow.accounts.delete_token(actor, token_id):
            raise NotFound(f"no API token with the id {token_id!r}.")
        uow.commit()
