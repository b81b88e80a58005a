"""Accounts on a community server: emails, passwords, invitations, login throttling.

Pure rules; hashing, tokens and storage live in `services` and `storage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.members import Role

MIN_PASSWORD = 8
MAX_PASSWORD = 128  # long passphrases welcome; the cap only bounds hashing work
INVITATION_LIFETIME = timedelta(days=14)
SESSION_LIFETIME = timedelta(days=14)
SESSION_IDLE = timedelta(days=3)
# How stale `last_seen_at` may get before a request refreshes it: one write a minute per
# active session, not one per request.
SESSION_TOUCH = timedelta(minutes=1)
# A reset link is short-lived and counted from when its email leaves.
RESET_LIFETIME = timedelta(minutes=30)
# Reset requests, counted whether or not the email has an account (so the limit says
# nothing about who is a member): per email address asked about, and per client address.
RESETS_PER_EMAIL = 3
RESETS_PER_ADDRESS = 20
RESET_WINDOW = timedelta(hours=1)

# Throttling: free attempts per (email, address), then a doubling pause up to a cap.
FREE_FAILURES = 3
MAX_PAUSE = timedelta(minutes=15)
# One address may fail this many times per window, whatever emails it tries.
ADDRESS_FAILURES = 100
ADDRESS_WINDOW = timedelta(hours=1)


class TooManyAttempts(KithbookError):
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts from here; try again in {retry_after} "
                         "seconds.")
        self.retry_after = retry_after


def normalize_email(text: str) -> str:
    email = text.strip().casefold()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise InvalidInput(f"{text.strip()!r} is not an email address like ana@example.org.",
                           field="email")
    return email


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("kithbook.domain").joinpath("common_passwords.txt").read_text(
        encoding="utf-8")
    return frozenset(text.split())


def check_password(password: str, *, email: str) -> None:
    """Length and a list of common passwords; no composition rules (they do not help)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters; a few "
                           "unrelated words make a strong one.", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"a password may have at most {MAX_PASSWORD} characters.",
                           field="password")
    folded = password.casefold()
    if folded in common_passwords() or folded in (email, email.partition("@")[0]):
        raise InvalidInput("that password is among the first ones attackers try; choose "
                           "another (a few unrelated words make a strong one).",
                           field="password")


@dataclass(frozen=True)
class Invitation:
    id: str
    email: str
    role: Role
    invited_by: MemberId | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and now < self.expires_at


@dataclass(frozen=True)
class ApiToken:
    id: str
    member_id: MemberId
    name: str
    created_at: datetime
    last_used_at: datetime | None = None


@dataclass(frozen=True)
class SessionPolicy:
    """When a session ends: after `idle` without a request, or `lifetime` after sign-in."""

    idle: timedelta = SESSION_IDLE
    lifetime: timedelta = SESSION_LIFETIME

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.lifetime <= timedelta(0):
            raise InvalidInput("session timeouts must be positive.", field="session")


@dataclass(frozen=True)
class SessionInfo:
    """One of a member's signed-in browsers, as their session list shows it."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str | None
    current: bool = False

    @property
    def device(self) -> str:
        return describe_agent(self.user_agent)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("HeadlessChrome/", "Headless Chrome"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def describe_agent(user_agent: str | None) -> str:
    """"Firefox on Linux" from a User-Agent header, for a member's list of sessions."""
    if not user_agent:
        return "an unknown browser"
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser is None:
        return user_agent[:60]
    return f"{browser} on {system}" if system else browser


@dataclass(frozen=True)
class PasswordReset:
    id: str
    member_id: MemberId
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclass(frozen=True)
class Throttle:
    """Failed logins counted under one key since `since`."""

    failures: int
    since: datetime
    retry_at: datetime | None = None


def after_pair_failure(throttle: Throttle | None, now: datetime) -> Throttle:
    """One more failure for an (email, address) pair: free at first, then doubling pauses.

    The pause only ever applies to that pair, so someone guessing from elsewhere cannot
    keep the real member out, and it never grows past `MAX_PAUSE`.
    """
    failures = (throttle.failures if throttle else 0) + 1
    since = throttle.since if throttle else now
    extra = failures - FREE_FAILURES
    pause = min(MAX_PAUSE, timedelta(seconds=2 ** (extra - 1))) if extra > 0 else None
    return Throttle(failures, since, now + pause if pause else None)


def after_address_failure(throttle: Throttle | None, now: datetime) -> Throttle:
    """One more failure from an address, counted per window; over the cap it waits."""
    if throttle is None or now - throttle.since >= ADDRESS_WINDOW:
        return Throttle(1, now)
    failures = throttle.failures + 1
    retry_at = throttle.since + ADDRESS_WINDOW if failures >= ADDRESS_FAILURES else None
    return Throttle(failures, throttle.since, retry_at)


def after_request(throttle: Throttle | None, now: datetime, limit: int,
                  window: timedelta) -> Throttle:
    """One more request under a key, counted per window; the `limit`-th one closes it."""
    if throttle is None or now - throttle.since >= window:
        return Throttle(1, now, now + window if limit <= 1 else None)
    count = throttle.failures + 1
    return Throttle(count, throttle.since, throttle.since + window if count >= limit else None)


def wait_seconds(throttles: list[Throttle | None], now: datetime) -> int:
    """How long before another attempt is heard; 0 when it may go ahead."""
    waits = [(t.retry_at - now).total_seconds() for t in throttles
             if t is not None and t.retry_at is not None and t.retry_at > now]
    return int(max(waits)) + 1 if waits else 0
