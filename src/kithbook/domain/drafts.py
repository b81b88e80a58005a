"""Email drafts for introductions made the double opt-in way.

First the introducer asks the target, without sharing anything about them; then, once
both agreed, one email introduces them to each other. Plain text, to be edited and sent
by the introducer from their own mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.errors import NotAllowed
from kithbook.domain.introductions import Introduction, IntroState, Party


@dataclass(frozen=True)
class Draft:
    to: tuple[str, ...]  # addresses we know; empty when none are on file
    subject: str
    body: str


def _first(party: Party) -> str:
    return party.name.split()[0]


def _addresses(*parties: Party) -> tuple[str, ...]:
    return tuple(p.email for p in parties if p.email)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def forwarding_email(intro: Introduction, *, about_requester: str | None = None) -> Draft:
    """The introducer's ask to the target: would you like to meet this person?"""
    if intro.state not in (IntroState.REQUESTED, IntroState.FORWARDED):
        raise NotAllowed(f"there is nothing to ask {intro.target.name}: this request is "
                         f"{intro.state.value.replace('_', ' ')}.")
    requester, target = intro.requester, intro.target
    about = f"\n{about_requester.strip()}\n" if about_requester and about_requester.strip() \
        else ""
    body = (
        f"Hi {_first(target)},\n\n"
        f"{requester.name} asked me for an introduction to you. In their words:\n\n"
        f"{_quoted(intro.purpose)}\n"
        f"{about}\n"
        f"Would you like me to introduce you? A no is completely fine: I have not shared "
        f"anything about you, and I will not unless you say yes.\n\n"
        f"{_first(intro.introducer)}\n"
    )
    return Draft(_addresses(target), f"Would you like to meet {requester.name}?", body)


def introduction_email(intro: Introduction, *, note: str | None = None) -> Draft:
    """The introduction itself, to both, once the target said yes."""
    if intro.state is not IntroState.MADE:
        raise NotAllowed(f"{intro.target.name} has not agreed yet (the request is "
                         f"{intro.state.value.replace('_', ' ')}); send the introduction once "
                         "both sides said yes.")
    requester, target = intro.requester, intro.target
    extra = f"{note.strip()}\n\n" if note and note.strip() else ""
    body = (
        f"{_first(target)}, meet {requester.name}. {_first(requester)}, meet {target.name}.\n\n"
        f"{_first(requester)} asked to meet you, {_first(target)}, for this:\n\n"
        f"{_quoted(intro.purpose)}\n\n"
        f"{extra}"
        f"You both said yes, so I'll leave you to take it from here.\n\n"
        f"{_first(intro.introducer)}\n"
    )
    return Draft(_addresses(requester, target),
                 f"Introduction: {requester.name} and {target.name}", body)
