"""Members with accounts, made directly for tests (no Argon2 work unless a password is given)."""

from __future__ import annotations

from kithbook.domain.ids import MemberId, new_id
from kithbook.domain.members import Member, Role
from kithbook.services import passwords
from kithbook.services.facade import Kithbook


def add_member(kb: Kithbook, name: str, role: Role = Role.MEMBER, *,
               password: str | None = None) -> Member:
    member = Member(id=MemberId(new_id()), name=name, email=f"{name.lower()}@example.org",
                    role=role, created_at=kb.clock.now())
    stored = passwords.hash_password(password) if password else "not a usable hash"
    with kb.uow() as uow:
        uow.members.add(member)
        uow.accounts.add(member.id, stored, kb.clock.now())
        uow.commit()
    return member
