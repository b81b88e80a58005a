"""What routes receive: the services and the member making the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.web.auth import authenticate, community_of


async def get_services(request: Request) -> Kithbook:
    # `async`, though it waits for nothing: FastAPI runs a plain `def` dependency in the
    # thread pool, a hop that costs more than the lookup.
    kb: Kithbook = request.app.state.kb
    return kb


async def get_current_member(request: Request) -> Member:
    """Community mode: the signed-in member. Local mode: the book's one member."""
    community = community_of(request)
    if community is not None:
        return await authenticate(request, community)
    known: Member | None = getattr(request.app.state, "local_member", None)
    if known is not None:
        return known
    kb: Kithbook = request.app.state.kb
    member, _ = await run_in_threadpool(kb.init_local_member, "Me")
    request.app.state.local_member = member
    return member


Services = Annotated[Kithbook, Depends(get_services)]
CurrentMember = Annotated[Member, Depends(get_current_member)]
