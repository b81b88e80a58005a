"""Sharing policies: which rule applies to a tie, and whether someone may ask through it.

A tie either carries its own policy or follows the member's defaults. Changes people
type ("make this one anonymous") touch only the fields they name, starting from what
applies today, so a change never silently resets another rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kithbook.domain.contacts import Contact
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ties import AskRule, SharingPolicy, Visibility, check_trust

# What an asker is told whenever the answer is no, whatever the reason: the reason itself
# (a hidden tie, "no introductions", a trust level) is the owner's business.
REFUSED_TO_ASKER = "you cannot ask for an introduction to this person through this member."


@dataclass(frozen=True)
class EffectivePolicy:
    policy: SharingPolicy
    from_default: bool  # True when the tie has no policy of its own

    @property
    def source(self) -> str:
        return "your defaults" if self.from_default else "this contact's own rule"


def effective_policy(tie_policy: SharingPolicy | None, default: SharingPolicy
                     ) -> EffectivePolicy:
    """The policy that governs a tie: its own when set, otherwise the member's default.

    What a contact welcomes belongs to that contact, so it is never inherited."""
    if tie_policy is not None:
        return EffectivePolicy(tie_policy, from_default=False)
    return EffectivePolicy(replace(default, welcomes=None), from_default=True)


@dataclass(frozen=True)
class PolicyChange:
    """The fields a person asked to change; None leaves a field as it is."""

    visibility: Visibility | None = None
    ask_rule: AskRule | None = None
    ask_min_trust: int | None = None
    no_introductions: bool | None = None
    welcomes: str | None = None
    clear_welcomes: bool = False


def apply_change(current: SharingPolicy, change: PolicyChange) -> SharingPolicy:
    """A new policy: `current` with the named fields changed, checked as a whole."""
    ask_rule = change.ask_rule if change.ask_rule is not None else current.ask_rule
    min_trust = check_trust(change.ask_min_trust, field_name="ask_min_trust")
    if min_trust is None:
        min_trust = current.ask_min_trust
    if change.ask_min_trust is not None and ask_rule is not AskRule.TRUSTED:
        if change.ask_rule is not None:
            raise InvalidInput(
                f"a minimum trust level only applies to the asking rule 'trusted', not "
                f"{ask_rule.value!r}.", field="ask_min_trust")
        ask_rule = AskRule.TRUSTED  # "--min-trust 4" alone means "trusted at 4 or more"
    welcomes = current.welcomes
    if change.clear_welcomes:
        welcomes = None
    elif change.welcomes is not None:
        welcomes = _clean_welcomes(change.welcomes)
    return SharingPolicy(
        visibility=change.visibility if change.visibility is not None else current.visibility,
        ask_rule=ask_rule,
        ask_min_trust=min_trust if ask_rule is AskRule.TRUSTED else None,
        no_introductions=(change.no_introductions if change.no_introductions is not None
                          else current.no_introductions),
        welcomes=welcomes,
    )


def _clean_welcomes(text: str) -> str | None:
    text = " ".join(text.split())
    if len(text) > 500:
        raise InvalidInput("say what this contact welcomes in under 500 characters.",
                           field="welcomes")
    return text or None


def parse_visibility(text: str) -> Visibility:
    word = text.strip().lower()
    try:
        return Visibility(word)
    except ValueError:
        raise InvalidInput(f"unknown visibility {text!r}; use hidden, anonymous (shown as "
                           "'a contact at Acme') or named.", field="visibility") from None


def parse_ask_rule(text: str) -> AskRule:
    word = text.strip().lower()
    try:
        return AskRule(word)
    except ValueError:
        raise InvalidInput(f"unknown asking rule {text!r}; use nobody, trusted (with a "
                           "minimum trust level) or anyone.", field="ask_rule") from None


@dataclass(frozen=True)
class AskAnswer:
    allowed: bool
    reason: str  # for the owner of the tie: why
    to_asker: str  # for the asker: the same for every refusal, so it reveals nothing

    def __bool__(self) -> bool:
        return self.allowed


def may_ask(policy: SharingPolicy, asker_trust_level: int | None) -> AskAnswer:
    """May someone the owner trusts at `asker_trust_level` (1–5, None: not stated or
    unknown) ask the owner for an introduction to this contact?"""
    if policy.no_introductions:
        return _no("this contact is marked \"no introductions\".")
    if policy.ask_rule is AskRule.NOBODY:
        return _no("your rule for this contact is that nobody may ask.")
    if policy.ask_rule is AskRule.ANYONE:
        return AskAnswer(True, "anyone may ask for this contact; you still decide.",
                         "you may ask; the member still decides.")
    needed = policy.ask_min_trust
    assert needed is not None  # SharingPolicy refuses 'trusted' without a level
    if asker_trust_level is None:
        return _no(f"only members you trust at {needed} or more may ask, and you have not "
                   "stated how much you trust this one.")
    if asker_trust_level < needed:
        return _no(f"only members you trust at {needed} or more may ask; you trust this "
                   f"one at {asker_trust_level}.")
    return AskAnswer(True, f"you trust this member at {asker_trust_level}, which meets "
                     f"your minimum of {needed}; you still decide.",
                     "you may ask; the member still decides.")


def _no(reason: str) -> AskAnswer:
    return AskAnswer(False, reason, REFUSED_TO_ASKER)


def shown_in_search(policy: SharingPolicy, contact: Contact) -> str | None:
    """How a tie appears to others in path search: None when hidden or marked "no
    introductions" (a path to them could only lead to a refusal), "a contact at Acme" when
    anonymous, the contact's headline when named."""
    if policy.visibility is Visibility.HIDDEN or policy.no_introductions:
        return None
    if policy.visibility is Visibility.ANONYMOUS:
        return f"a contact at {contact.organization}" if contact.organization else "a contact"
    return contact.headline
