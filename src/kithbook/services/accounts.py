"""Use cases of a community server's accounts: invitations, sign-up, login, API tokens,
password change and reset, the digest setting and the community's settings.

Every answer to a failed login is the same sentence, whether the email exists or not,
and costs the same time (an unknown email is checked against a stand-in hash). A reset
request gets one answer too, and its limits count emails that have no account alike; so
does an invitation. Failures are counted under a lock on their throttle rows, so a burst
of attempts on several workers loses none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kithbook.domain.accounts import (
    RESET_LIFETIME,
    RESET_WINDOW,
    RESETS_PER_ADDRESS,
    RESETS_PER_EMAIL,
    ApiToken,
    Invitation,
    PasswordReset,
    SessionPolicy,
    TooManyAttempts,
    after_address_failure,
    after_pair_failure,
    after_request,
    check_password,
    normalize_email,
    wait_seconds,
)
from kithbook.domain.community import CommunitySettings
from kithbook.domain.errors import InvalidInput, NotAllowed, NotFound
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role, member_name
from kithbook.domain.notifications import OutgoingMail, password_changed_mail, reset_mail
from kithbook.services import passwords, sessions
from kithbook.services.notifications import PUBLIC_URL, reset_link
from kithbook.services.ports import Clock, UnitOfWork

WRONG_LOGIN = "that email and password do not match an account."
DEAD_INVITATION = ("this invitation link is not valid: it may have expired or been used. "
                   "If you already have an account here, sign in instead; if not, ask "
                   "whoever invited you for a new link.")
DEAD_RESET = ("this password reset link is not valid: it may have expired or been used. "
              "Ask for a new one from the sign-in page.")
RESET_SENT = ("if an account uses that email, a link to choose a new password is on its way "
              "there. It works once, for a short while; check your spam folder too.")
WRONG_CURRENT = "that is not your current password."


@dataclass(frozen=True)
class MemberRow:
    """What an admin sees of a member: the account, never the book."""

    member: Member
    may_invite: bool


def throttle_key(*parts: str) -> str:
    """The key a throttle is stored under: a hash, so no email is kept in clear."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def create_admin(uow: UnitOfWork, email: str, name: str, password: str,
                 clock: Clock) -> Member:
    """Bootstrap: an admin account made from the command line."""
    address = normalize_email(email)
    check_password(password, email=address)
    password_hash = passwords.hash_password(password)
    member = Member(id=MemberId(new_id()), name=member_name(name), email=address, role=Role.ADMIN,
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
    """An invitation and its secret token (shown once). `actor` None: the operator's CLI.

    Made alike whether or not the email already has an account, so an inviter learns
    nothing about who is a member; such an invitation can never be used
    (`accept_invitation`), and whoever follows it is told to sign in instead."""
    address = normalize_email(email)
    now = clock.now()
    with uow:
        community = uow.accounts.community_settings()
        if actor is not None:
            inviter = uow.members.get(actor)
            is_admin = inviter is not None and inviter.role is Role.ADMIN
            allowed = community.members_may_invite or uow.accounts.may_invite(actor)
            if not is_admin and (role is Role.ADMIN or not allowed):
                raise NotAllowed("only an admin, or a member an admin allowed to, can invite "
                                 "people; only an admin can invite an admin.")
        invitation = Invitation(id=new_id(), email=address, role=role, invited_by=actor,
                                created_at=now,
                                expires_at=now + timedelta(days=community.invitation_days))
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
                      *, replacing: str | None = None, policy: SessionPolicy | None = None,
                      user_agent: str | None = None) -> tuple[Member, str]:
    """Create the invited member's account; returns them and their first session token."""
    pending = invitation(uow, token, clock)
    check_password(password, email=pending.email)
    password_hash = passwords.hash_password(password)
    now = clock.now()
    # New members start with every tie hidden and nobody allowed to ask (SharingPolicy()).
    member = Member(id=MemberId(new_id()), name=member_name(name), email=pending.email,
                    role=pending.role, created_at=now)
    with uow:
        if not uow.accounts.accept_invitation(pending.id, now) or \
                uow.accounts.email_taken(pending.email):
            raise NotFound(DEAD_INVITATION)
        uow.members.add(member)
        uow.accounts.add(member.id, password_hash, now, may_invite=member.role is Role.ADMIN)
        session = sessions.start_in(uow, member.id, now, replacing,
                                    lifetime=(policy or SessionPolicy()).lifetime,
                                    user_agent=user_agent)
        uow.commit()
    return member, session


def log_in(uow: UnitOfWork, email: str, password: str, address: str, clock: Clock, *,
           replacing: str | None = None, policy: SessionPolicy | None = None,
           user_agent: str | None = None) -> tuple[Member, str]:
    """A fresh session for the right password; one answer for every wrong one.

    Failures are counted per (email, address) and per address; see
    `domain.accounts.after_pair_failure` for why that never locks the real member out.
    """
    folded = email.strip().casefold()
    pair_key = throttle_key("pair", folded, address)
    address_key = throttle_key("address", address)
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
        # Judged again under the throttles' lock: of attempts made at once, those that
        # come after a failure that paused the pair are not heard, right password or not,
        # and each failure counts on top of the one before it.
        pair = uow.accounts.held_throttle(pair_key)
        per_address = uow.accounts.held_throttle(address_key)
        wait = wait_seconds([pair, per_address], now)
        if wait:
            raise TooManyAttempts(wait)
        if found is None or not matches:
            uow.accounts.set_throttle(pair_key, after_pair_failure(pair, now))
            uow.accounts.set_throttle(address_key, after_address_failure(per_address, now))
            uow.commit()
            raise InvalidInput(WRONG_LOGIN, field="password")
        member, password_hash = found
        uow.accounts.clear_throttle(pair_key)
        if passwords.needs_rehash(password_hash):
            uow.accounts.set_password_hash(member.id, passwords.hash_password(password))
        session = sessions.start_in(uow, member.id, now, replacing,
                                    lifetime=(policy or SessionPolicy()).lifetime,
                                    user_agent=user_agent)
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


# ---- passwords -------------------------------------------------------------------------

def _tell_password_changed(uow: UnitOfWork, member: Member, at: datetime) -> None:
    if member.email:
        name = uow.accounts.community_settings().name
        subject, body = password_changed_mail(name, f"{PUBLIC_URL}/password-reset")
        uow.outbox.add(OutgoingMail(id=new_id(), to_address=member.email, subject=subject,
                                    body=body), at)


def change_password(uow: UnitOfWork, actor: MemberId, current: str, new: str, clock: Clock,
                    *, session: str | None = None, policy: SessionPolicy | None = None,
                    user_agent: str | None = None) -> str | None:
    """Set a new password; every session ends. With `session` (a browser), a fresh session
    for that browser is returned so the member stays signed in there alone."""
    key = throttle_key("change", actor)
    now = clock.now()
    with uow.reading():
        member = uow.members.get(actor)
        throttle = uow.accounts.throttle(key)
        wait = wait_seconds([throttle], now)
        stored = uow.accounts.with_email(member.email) if member and member.email else None
    if wait:
        raise TooManyAttempts(wait)
    if member is None or stored is None:
        raise NotFound("no account to change the password of.")
    if not passwords.verify(stored[1], current):
        with uow:
            uow.accounts.set_throttle(key, after_pair_failure(uow.accounts.held_throttle(key),
                                                              now))
            uow.commit()
        raise InvalidInput(WRONG_CURRENT, field="current_password")
    check_password(new, email=member.email or "")
    if new == current:
        raise InvalidInput("the new password is the one you have now; choose another.",
                           field="password")
    new_hash = passwords.hash_password(new)
    with uow:
        uow.accounts.clear_throttle(key)
        uow.accounts.set_password_hash(actor, new_hash)
        uow.accounts.end_sessions_of(actor)
        uow.accounts.end_resets_of(actor, now)
        fresh = sessions.start_in(uow, actor, now, None,
                                  lifetime=(policy or SessionPolicy()).lifetime,
                                  user_agent=user_agent) if session else None
        _tell_password_changed(uow, member, now)
        uow.commit()
    return fresh


def set_password(uow: UnitOfWork, email: str, new: str, clock: Clock) -> Member:
    """The operator's way, on the server itself: a new password for an account (every
    session and API token of it ends, as after a reset). For a member who cannot receive
    the reset email."""
    address = normalize_email(email)
    check_password(new, email=address)
    new_hash = passwords.hash_password(new)
    now = clock.now()
    with uow:
        found = uow.accounts.with_email(address)
        if found is None:
            raise NotFound(f"no account uses {address}.")
        member = found[0]
        uow.accounts.set_password_hash(member.id, new_hash)
        uow.accounts.end_sessions_of(member.id)
        uow.accounts.end_tokens_of(member.id)
        uow.accounts.end_resets_of(member.id, now)
        _tell_password_changed(uow, member, now)
        uow.commit()
    return member


def request_password_reset(uow: UnitOfWork, email: str, address: str, clock: Clock) -> str:
    """Email a single-use reset link when the email has an account; the same answer either
    way. The link's token is made when the email leaves (see `notifications.deliver_due`),
    so the database never holds it in clear, not even in the outbox."""
    folded = normalize_email(email)
    now = clock.now()
    email_key = throttle_key("reset-email", folded)
    address_key = throttle_key("reset-address", address)
    with uow:
        by_email = uow.accounts.held_throttle(email_key)
        by_address = uow.accounts.held_throttle(address_key)
        wait = wait_seconds([by_email, by_address], now)
        if wait:
            raise TooManyAttempts(wait)
        uow.accounts.set_throttle(email_key, after_request(by_email, now, RESETS_PER_EMAIL,
                                                           RESET_WINDOW))
        uow.accounts.set_throttle(address_key, after_request(by_address, now,
                                                             RESETS_PER_ADDRESS, RESET_WINDOW))
        found = uow.accounts.with_email(folded)
        if found is not None:
            member = found[0]
            reset = PasswordReset(id=new_id(), member_id=member.id, created_at=now,
                                  expires_at=now + RESET_LIFETIME)
            # A hash of a token nobody is given: the link cannot work before it is sent.
            uow.accounts.add_reset(reset, sessions.token_hash(sessions.new_token()))
            subject, body = reset_mail(uow.accounts.community_settings().name,
                                       reset_link(reset.id))
            uow.outbox.add(OutgoingMail(id=new_id(), to_address=folded, subject=subject,
                                        body=body), now)
        uow.commit()
    return RESET_SENT


def password_reset(uow: UnitOfWork, token: str, clock: Clock) -> PasswordReset:
    with uow.reading():
        found = uow.accounts.reset(sessions.token_hash(token))
    if found is None or not found.is_open(clock.now()):
        raise NotFound(DEAD_RESET)
    return found


def reset_password(uow: UnitOfWork, token: str, new: str, clock: Clock) -> Member:
    """Spend a reset link on a new password; every session, API token and other link of
    the member ends: a reset means someone else may have had the account. The member then
    signs in with the new password."""
    pending = password_reset(uow, token, clock)
    with uow.reading():
        member = uow.members.get(pending.member_id)
    if member is None:
        raise NotFound(DEAD_RESET)
    check_password(new, email=member.email or "")
    new_hash = passwords.hash_password(new)
    now = clock.now()
    with uow:
        if not uow.accounts.use_reset(pending.id, now):
            raise NotFound(DEAD_RESET)
        uow.accounts.set_password_hash(member.id, new_hash)
        uow.accounts.end_sessions_of(member.id)
        uow.accounts.end_tokens_of(member.id)
        uow.accounts.end_resets_of(member.id, now)
        _tell_password_changed(uow, member, now)
        uow.commit()
    return member


# ---- the member's own settings, the community's settings ---------------------------------

def weekly_digest_wanted(uow: UnitOfWork, actor: MemberId) -> bool:
    with uow.reading():
        return uow.accounts.weekly_digest(actor)


def set_weekly_digest(uow: UnitOfWork, actor: MemberId, wanted: bool) -> None:
    with uow:
        uow.accounts.set_weekly_digest(actor, wanted)
        uow.commit()


def community_settings(uow: UnitOfWork, actor: MemberId) -> CommunitySettings:
    with uow.reading():
        _require_admin(uow, actor)
        return uow.accounts.community_settings()


def community_name(uow: UnitOfWork) -> str:
    """Shown to anyone, signed in or not (the sign-in page names the community)."""
    with uow.reading():
        return uow.accounts.community_settings().name


def change_community_settings(uow: UnitOfWork, actor: MemberId, *, name: str | None = None,
                              members_may_invite: bool | None = None,
                              invitation_days: int | None = None,
                              mail_sender_name: str | None = None,
                              clock: Clock) -> CommunitySettings:
    """Change what is given (None keeps it). Nothing here reaches into a member's book."""
    with uow:
        _require_admin(uow, actor)
        current = uow.accounts.community_settings()
        changed = replace(
            current,
            name=" ".join(name.split()) if name is not None else current.name,
            members_may_invite=(current.members_may_invite if members_may_invite is None
                                else members_may_invite),
            invitation_days=(current.invitation_days if invitation_days is None
                             else invitation_days),
            mail_sender_name=(" ".join(mail_sender_name.split())
                              if mail_sender_name is not None else current.mail_sender_name))
        uow.accounts.set_community_settings(changed, clock.now())
        uow.commit()
    return changed
