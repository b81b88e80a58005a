"""Use cases of sharing policies: a member's defaults, and a contact's own rule."""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.contacts import Contact
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.domain.policies import EffectivePolicy, PolicyChange, apply_change, effective_policy
from kithbook.domain.ties import SharingPolicy, Tie
from kithbook.services.ports import UnitOfWork
from kithbook.services.references import resolve_contact


@dataclass(frozen=True)
class ContactPolicy:
    contact: Contact
    effective: EffectivePolicy
    default: SharingPolicy


def default_policy(uow: UnitOfWork, actor: MemberId) -> SharingPolicy:
    with uow.reading():
        return _member_default(uow, actor)


def set_default_policy(uow: UnitOfWork, actor: MemberId, change: PolicyChange
                       ) -> SharingPolicy:
    """Change the rules that apply to every contact without a rule of its own."""
    if change.no_introductions is not None or change.welcomes is not None \
            or change.clear_welcomes:
        raise InvalidInput("\"no introductions\" and what someone welcomes belong to one "
                           "contact; set them with `kithbook policy set CONTACT`. For "
                           "everyone at once, use --ask nobody.", field="policy")
    with uow:
        policy = apply_change(_member_default(uow, actor), change)
        uow.members.set_default_policy(actor, policy)
        uow.commit()
        return policy


def contact_policy(uow: UnitOfWork, actor: MemberId, ref: str, *,
                   exact: bool = False) -> ContactPolicy:
    """The rule for one contact and where it comes from; `ref` is an id (exact) or what a
    person types."""
    with uow.reading():
        contact, tie = _contact_tie(uow, actor, ref, exact)
        default = _member_default(uow, actor)
        return ContactPolicy(contact, effective_policy(tie.policy, default), default)


def set_contact_policy(uow: UnitOfWork, actor: MemberId, ref: str, change: PolicyChange, *,
                       follow_defaults: bool = False, exact: bool = False) -> ContactPolicy:
    """Give a contact its own rule, changing only the fields named, starting from what
    applies today; or (`follow_defaults`) drop its rule so the defaults apply again."""
    with uow:
        contact, tie = _contact_tie(uow, actor, ref, exact)
        default = _member_default(uow, actor)
        if follow_defaults:
            if change != PolicyChange():
                raise InvalidInput("choose: follow your defaults, or change this contact's "
                                   "rule; not both.", field="policy")
            tie.policy = None
        else:
            tie.policy = apply_change(effective_policy(tie.policy, default).policy, change)
        uow.ties.update(tie, expected_version=tie.version)
        uow.commit()
        return ContactPolicy(contact, effective_policy(tie.policy, default), default)


def _member_default(uow: UnitOfWork, actor: MemberId) -> SharingPolicy:
    member = uow.members.get(actor)
    if member is None:
        raise NotFound(f"no member {actor}.", field="member")
    return member.default_policy


def _contact_tie(uow: UnitOfWork, actor: MemberId, ref: str,
                 exact: bool) -> tuple[Contact, Tie]:
    contact = resolve_contact(uow, actor, ref, exact=exact)
    tie = uow.ties.get(actor, contact.id)
    if tie is None:
        raise NotFound("this contact has no relationship record; re-add the contact.")
    return contact, tie
