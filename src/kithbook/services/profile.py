"""What a member shows others: their own name, and the organization and title that
let path search find them ("anyone at Acme")."""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.domain.members import member_name
from kithbook.services.ports import UnitOfWork

MAX_PROFILE = 200


@dataclass(frozen=True)
class Profile:
    """The name signs introductions and drafts and names the member in paths; the
    organization and title are what every other member of a community sees."""

    name: str
    organization: str | None
    title: str | None


def profile(uow: UnitOfWork, actor: MemberId) -> Profile:
    with uow.reading():
        member = uow.members.get(actor)
        if member is None:
            raise NotFound(f"no member {actor}.", field="member")
        return Profile(member.name, member.organization, member.title)


def set_profile(uow: UnitOfWork, actor: MemberId, *, name: str | None = None,
                organization: str | None = None, title: str | None = None) -> Profile:
    """Change what is given; None leaves a field as it is. An empty organization or
    title clears it; a name cannot be empty."""
    with uow:
        member = uow.members.get(actor)
        if member is None:
            raise NotFound(f"no member {actor}.", field="member")
        new = Profile(
            member.name if name is None else member_name(name),
            member.organization if organization is None else _text(organization,
                                                                   "organization"),
            member.title if title is None else _text(title, "title"))
        uow.members.set_profile(actor, new.name, new.organization, new.title)
        if new.name != member.name:
            uow.introductions.rename_member(actor, new.name)
        uow.commit()
        return new


def _text(value: str, field: str) -> str | None:
    text = " ".join(value.split()) or None
    if text is not None and len(text) > MAX_PROFILE:
        raise InvalidInput(f"keep the {field} under {MAX_PROFILE} characters.", field=field)
    return text
