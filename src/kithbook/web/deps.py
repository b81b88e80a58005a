"""What routes receive: the services and the member making the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook


def get_services(request: Request) -> Kithbook:
    kb: Kithbook = request.app.state.kb
    return kb


def get_current_member(request: Request) -> Member:
    """Local mode: the book's one member, created on first visit."""
    kb: Kithbook = request.app.state.kb
    member: Member | None = getattr(request.app.state, "local_member", None)
    if member is None:
        member, _ = kb.init_local_member("Me")
        request.app.state.local_member = member
    return member


Services = Annotated[Kithbook, Depends(get_services)]
CurrentMember = Annotated[Member, Depends(get_current_member)]
