"""Consent links: how a person who is not a member answers an introduction by email.

The introducer's ask reaches the target as an email with three links (yes / not now /
no thanks); two weeks after an introduction is made each party gets one email asking how
it went. Every link is one `ConsentLink`: bound to one introduction, one party and one
purpose, single-use, and dead after `LINK_LIFETIME`. What goes in the email is the token

    link id (12) "." HMAC-SHA256(key, label, id, introduction, party, purpose, expiry)[:16]

(base64url), signed with the server's own key: nothing in it names anyone, a changed
character fails the check, and the stored row says whether it was used. Opening a link
only shows a page; the answer is given by one more click (mail scanners fetch links).

What each person reads is listed here, and nothing else: the target sees the requester's
own words and what the introducer wrote; never anyone's book, address or private note.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import ALPHABET, ID_LENGTH, IntroId
from kithbook.domain.intro_records import IntroState, Party, Rating, Role

__all__ = [
    "DEAD_LINK", "LINK_LIFETIME", "OUTCOME_AFTER", "REMINDER_AFTER", "AskEmail", "Choice",
    "ConsentLink", "DeadLink", "LinkPurpose", "answer_mail", "default_ask", "link_id_of",
    "outcome_mail", "sign", "verify",
]

LINK_LIFETIME = timedelta(days=14)
REMINDER_AFTER = timedelta(days=4)  # one reminder at most, this long after the ask
OUTCOME_AFTER = timedelta(days=14)  # how long after the introduction we ask how it went
MAX_SUBJECT = 200
MAX_MESSAGE = 4_000
MAX_PRIVATE_NOTE = 2_000
_MAC = 16
_LABEL = b"kithbook consent link\0"

# One answer for every link that does not work, whatever the reason: used, expired,
# forged, or for an introduction that is closed or gone.
DEAD_LINK = ("This link no longer works. It may have been used already, or it is too "
             "old. If you still want to answer, reply to the email it came in.")


class DeadLink(NotFound):
    code = "dead_link"

    def __init__(self) -> None:
        super().__init__(DEAD_LINK)


class LinkPurpose(StrEnum):
    ANSWER = "answer"  # the target's yes / not now / no
    OUTCOME = "outcome"  # a party's word on how the introduction went


class Choice(StrEnum):
    YES = "yes"
    NOT_NOW = "not_now"
    NO = "no"
    USEFUL = "useful"
    NOT_USEFUL = "not_useful"
    DIDNT_HAPPEN = "didnt_happen"


CHOICES: dict[LinkPurpose, tuple[Choice, ...]] = {
    LinkPurpose.ANSWER: (Choice.YES, Choice.NOT_NOW, Choice.NO),
    LinkPurpose.OUTCOME: (Choice.USEFUL, Choice.NOT_USEFUL, Choice.DIDNT_HAPPEN),
}
CHOICE_WORDS: dict[Choice, str] = {
    Choice.YES: "Yes, introduce us", Choice.NOT_NOW: "Not now",
    Choice.NO: "No, thanks", Choice.USEFUL: "Useful", Choice.NOT_USEFUL: "Not useful",
    Choice.DIDNT_HAPPEN: "It didn't happen",
}
# An outcome by email counts as a member's would: "didn't happen" is neither good nor bad.
RATING_OF: dict[Choice, Rating] = {
    Choice.USEFUL: Rating.POSITIVE, Choice.NOT_USEFUL: Rating.NEGATIVE,
    Choice.DIDNT_HAPPEN: Rating.NEUTRAL,
}
# What the history says of a target's answer by email (the move itself is the same).
ANSWER_NOTES: dict[Choice, str] = {Choice.NOT_NOW: "Not now", Choice.NO: "No, thanks"}


def parse_choice(text: str, purpose: LinkPurpose) -> Choice:
    try:
        choice = Choice(text.strip().lower())
    except ValueError:
        choice = None
    if choice is None or choice not in CHOICES[purpose]:
        words = ", ".join(c.value for c in CHOICES[purpose])
        raise InvalidInput(f"choose one of the answers offered ({words}).", field="choice")
    return choice


@dataclass(frozen=True)
class ConsentLink:
    id: str
    intro_id: IntroId
    role: Role  # whose link it is: the target's answer, or a party's outcome
    purpose: LinkPurpose
    created_at: datetime
    expires_at: datetime
    reminded_at: datetime | None = None
    used_at: datetime | None = None
    answer: Choice | None = None

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def reminder_due(self) -> datetime | None:
        """When its one reminder goes (None: sent, or none will be)."""
        if self.reminded_at is not None or self.used_at is not None:
            return None
        due = self.created_at + REMINDER_AFTER
        return due if due < self.expires_at else None


# ---- tokens ------------------------------------------------------------------------------

def sign(key: bytes, link: ConsentLink) -> str:
    mac = base64.urlsafe_b64encode(_mac(key, link)).decode("ascii").rstrip("=")
    return f"{link.id}.{mac}"


def link_id_of(token: str) -> str | None:
    """The link id a token names, when it has the shape of one (else None)."""
    link_id, dot, mac = token.partition(".")
    if (not dot or len(link_id) != ID_LENGTH or len(mac) != 22
            or any(c not in ALPHABET for c in link_id)):
        return None
    return link_id


def verify(key: bytes, token: str, link: ConsentLink) -> bool:
    """True when `token` is the one signed for `link` (constant time)."""
    return hmac.compare_digest(token.encode("ascii", "replace"),
                               sign(key, link).encode("ascii"))


def _mac(key: bytes, link: ConsentLink) -> bytes:
    parts = (link.id, link.intro_id, link.role.value, link.purpose.value,
             link.expires_at.isoformat(timespec="seconds"))
    message = _LABEL + b"\0".join(p.encode("utf-8", "surrogatepass") for p in parts)
    return hmac.new(key, message, hashlib.sha256).digest()[:_MAC]


# ---- the emails --------------------------------------------------------------------------

@dataclass(frozen=True)
class AskEmail:
    """The introducer's editable part of the ask: the rest (the requester's words, the
    links) Kithbook adds, so the target reads exactly what the requester wrote."""

    subject: str
    message: str

    def cleaned(self) -> AskEmail:
        subject = " ".join(self.subject.split())
        message = self.message.strip()
        if not subject or len(subject) > MAX_SUBJECT:
            raise InvalidInput(f"give the email a subject (up to {MAX_SUBJECT} characters).",
                               field="subject")
        if not message or len(message) > MAX_MESSAGE:
            raise InvalidInput(f"write a few words to them (up to {MAX_MESSAGE:,} "
                               "characters): why you think this introduction is worth it.",
                               field="message")
        return AskEmail(subject, message)


def _first(party: Party) -> str:
    return party.name.split()[0]


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def default_ask(requester: Party, introducer: Party, target: Party,
                reason: str | None) -> AskEmail:
    why = reason.strip() if reason and reason.strip() else (
        "I think you two would get on, and I would not ask if I did not.")
    return AskEmail(
        subject=f"Would you like to meet {requester.name}?",
        message=(f"Hi {_first(target)},\n\n{requester.name} asked me for an introduction to "
                 f"you. {why}\n\nA no is completely fine: I have not shared anything about "
                 f"you, and I will not unless you say yes.\n\n{_first(introducer)}"))


def answer_mail(ask: AskEmail, requester: Party, introducer: Party, purpose: str,
                link: str, expires_at: datetime) -> tuple[str, str]:
    """The ask as the target receives it: the introducer's words, the requester's own,
    three links (`link` gets `?choice=`)."""
    body = (
        f"{ask.message}\n\n"
        f"In {requester.name}'s own words:\n\n{_quoted(purpose)}\n\n"
        f"Yes, introduce us:\n  {link}?choice=yes\n"
        f"Not now:\n  {link}?choice=not_now\n"
        f"No, thanks:\n  {link}?choice=no\n\n"
        f"Each link opens a page where you confirm with one more click, and may add a "
        f"private note for {_first(introducer)}. They work once, until "
        f"{expires_at:%d %B %Y}.\n\n"
        f"-- \nSent by Kithbook for {introducer.name}. Replies go to {_first(introducer)}.\n")
    return ask.subject, body


def reminder_mail(ask_subject: str, requester: Party, introducer: Party, link: str,
                  expires_at: datetime) -> tuple[str, str]:
    body = (
        f"A reminder of {introducer.name}'s question: would you like to meet "
        f"{requester.name}? If the answer is no, that is fine too.\n\n"
        f"Yes, introduce us:\n  {link}?choice=yes\n"
        f"Not now:\n  {link}?choice=not_now\n"
        f"No, thanks:\n  {link}?choice=no\n\n"
        f"The links work once, until {expires_at:%d %B %Y}. This is the only reminder.\n\n"
        f"-- \nSent by Kithbook for {introducer.name}.\n")
    return f"Re: {ask_subject}", body


def outcome_mail(other: Party, introducer: Party, link: str) -> tuple[str, str]:
    """To one party, two weeks on: was meeting `other` worthwhile?"""
    body = (
        f"Two weeks ago {introducer.name} introduced you to {other.name}. Was it "
        f"worthwhile? One click tells {_first(introducer)}, and keeps their "
        f"introductions honest:\n\n"
        f"Useful:\n  {link}?choice=useful\n"
        f"Not useful:\n  {link}?choice=not_useful\n"
        f"It didn't happen:\n  {link}?choice=didnt_happen\n\n"
        f"Each link opens a page where you confirm with one more click. This is the only "
        f"time we ask.\n\n-- \nSent by Kithbook for {introducer.name}.\n")
    return f"Was meeting {other.name} worthwhile?", body


@dataclass(frozen=True)
class LinkPage:
    """All a link's page shows: who asks, who introduces, and why, in their words."""

    purpose: LinkPurpose
    introducer: str
    about: str  # the requester (an answer), or the other party (an outcome)
    words: str | None  # the requester's own words, for an answer
    choices: tuple[Choice, ...]
    chosen: Choice | None


def page_of(link: ConsentLink, requester: Party, introducer: Party, target: Party,
            purpose_text: str, chosen: str | None) -> LinkPage:
    try:
        choice = parse_choice(chosen or "", link.purpose)
    except InvalidInput:
        choice = None
    other = target if link.role is Role.REQUESTER else requester
    return LinkPage(purpose=link.purpose, introducer=introducer.name, about=other.name,
                    words=purpose_text if link.purpose is LinkPurpose.ANSWER else None,
                    choices=CHOICES[link.purpose], chosen=choice)


def still_answerable(link: ConsentLink, state: IntroState) -> bool:
    """An answer link works while the request waits on the target; an outcome link once
    it is made."""
    wanted = IntroState.FORWARDED if link.purpose is LinkPurpose.ANSWER else IntroState.MADE
    return state is wanted
