"""Notifications: what a party to an introduction is told when someone moves it.

A message is written from the recipient's own view of the request (`IntroView`), so it
says only what that party may read in the app: the anonymous label a requester was
shown, never a note, a purpose, a private reason or anyone's contact details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kithbook.domain.accounts import RESET_LIFETIME
from kithbook.domain.digest import Digest, digest_text
from kithbook.domain.intro_records import IntroView, MoveKind

MAX_ATTEMPTS = 8
MAX_RETRY_DELAY = timedelta(hours=6)

_VERBS = {
    MoveKind.REQUEST: "asked for an introduction",
    MoveKind.FORWARD: "forwarded the request",
    MoveKind.DECLINE: "declined the request",
    MoveKind.ACCEPT: "said yes: the introduction is made",
    MoveKind.TARGET_DECLINE: "declined to be introduced",
    MoveKind.WITHDRAW: "withdrew the request",
    MoveKind.EXPIRE: "let the request expire",
    MoveKind.OUTCOME: "recorded an outcome",
}


@dataclass(frozen=True)
class Notification:
    id: str
    member_id: str
    intro_id: str | None
    message: str
    created_at: datetime
    read_at: datetime | None = None
    link: str | None = None  # a page of this site, for notifications not about an intro


@dataclass(frozen=True)
class OutgoingMail:
    id: str
    to_address: str
    subject: str
    body: str
    attempts: int = 0
    sender_name: str | None = None  # None: the community's own (its settings)
    reply_to: str | None = None


def move_message(view: IntroView) -> str:
    """One line about the latest move, as the recipient of `view` may read it."""
    last = view.history[-1]
    verb = _VERBS.get(last.kind, last.kind.value)
    who = last.by
    if last.by_email:  # the party answered through a link, not whoever keeps their side
        who, verb = last.on_behalf_of or last.by, f"answered by email and {verb}"
    return (f"{who} {verb}: {view.requester} → {view.target}, introduced by "
            f"{view.introducer}. Now {view.state.value.replace('_', ' ')}.")


def move_mail(view: IntroView, link: str) -> tuple[str, str]:
    """Subject and body of the email for the latest move."""
    subject = f"Introduction: {view.requester} → {view.target} is " \
              f"{view.state.value.replace('_', ' ')}"
    body = (f"{move_message(view)}\n\nOpen it: {link}\n\n"
            "You receive this because you are part of this introduction request.\n")
    return subject, body


def retry_delay(attempts: int) -> timedelta:
    """After `attempts` failures: 1, 2, 4 … minutes, at most six hours."""
    return min(MAX_RETRY_DELAY, timedelta(minutes=2 ** max(0, attempts - 1)))


def digest_message(digest: Digest) -> str:
    """The in-app line for a week's digest."""
    if not digest.items:
        return (f"Your digest for the week of {digest.week_of.isoformat()}: nothing pressing "
                "this week.")
    people = "person deserves" if len(digest.items) == 1 else "people deserve"
    return (f"Your digest for the week of {digest.week_of.isoformat()}: "
            f"{len(digest.items)} {people} your time ({digest.minutes} minutes).")


def digest_mail(digest: Digest, community: str, link: str) -> tuple[str, str]:
    """Subject and body of the weekly digest email: the member's own book, to them only."""
    subject = f"{community}: your week, {digest.week_of.isoformat()}"
    body = (f"{digest_text(digest)}\n\nOpen your digest: {link}\n\n"
            "You receive this weekly because the digest is on in your account; switch it "
            "off on your Account page.\n")
    return subject, body


def password_changed_mail(community: str, link: str) -> tuple[str, str]:
    subject = f"{community}: your password was changed"
    body = ("The password of your account was just changed, and every session signed in "
            "with the old one was ended.\n\nIf you did not do this, reset your password now "
            f"and tell an admin of the community: {link}\n")
    return subject, body


def reset_mail(community: str, link: str) -> tuple[str, str]:
    subject = f"{community}: reset your password"
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    body = ("Someone (you, we hope) asked to reset the password of your account.\n\n"
            f"Choose a new password here within {minutes} minutes; the link works once: "
            f"{link}\n\n"
            "A new password signs out every session of the account and revokes every API "
            "token: scripts need a new one.\n\n"
            "If you did not ask, ignore this email: your password stays as it is.\n")
    return subject, body
