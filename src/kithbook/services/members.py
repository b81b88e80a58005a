"""Use cases about members: the local book's single member."""

from __future__ import annotations

from kithbook.domain.errors import NotFound
from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member
from kithbook.services.ports import Clock, UnitOfWork


def init_local_member(uow: UnitOfWork, name: str, clock: Clock) -> tuple[Member, bool]:
    """Create the one member of a local book, or return it; says whether it was created."""
    with uow:
        existing = uow.members.only()
        if existing is not None:
            return existing, False
        member = Member(id=MemberId(new_id()), name=name.strip() or "Me",
                        created_at=clock.now())
        uow.members.add(member)
        uow.commit()
        return member, True


def local_member(uow: UnitOfWork) -> Member:
    with uow.reading():
        member = uow.members.only()
    if member is None:
        raise NotFound("this book has no owner yet; run `kithbook init` first.")
    return member
