"""What routes receive: the services and the member making the request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

from fastapi import BackgroundTasks, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from kithbook.domain.ids import MemberId
from kithbook.domain.members import Member
from kithbook.services.facade import Kithbook
from kithbook.web import incoming
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
    member, _ = await run_in_threadpool(kb.book.init_local_member, "Me")
    request.app.state.local_member = member
    return member


async def posted_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, read on the event loop (reading waits for the body), so that the
    route that uses it can be a plain `def`, run in the thread pool: a route's service
    calls (the database, Argon2) must never run on the loop, where they would hold up
    every other request of the worker (tests/unit/test_architecture.py). Its uploaded
    files are closed once the route is done."""
    async with request.form() as form:  # parsed once per request: Starlette keeps it
        incoming.check_form(form)
        yield form


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (files left out, and closed)."""
    async with request.form() as form:
        incoming.check_form(form)
        return {key: value for key, value in form.items() if isinstance(value, str)}


Services = Annotated[Kithbook, Depends(get_services)]
CurrentMember = Annotated[Member, Depends(get_current_member)]
PostedForm = Annotated[FormData, Depends(posted_form)]
FormFields = Annotated[dict[str, str], Depends(form_fields)]


T = TypeVar("T")


async def answered(request: Request, now: Callable[[], T | None], later: Callable[[], T]) -> T:
    """`now()`'s answer, computed on the event loop, when the book lives in this process
    (SQLite) and `now` has one (it only reads, and gives None rather than wait); else
    `later()`, in the thread pool. A read of a page of the book costs 2 – 3 ms of CPU; the
    hop to a thread and back, and threads contending for the interpreter lock under many
    clients, cost more than that (docs/benchmarks.md, web app under load)."""
    kb: Kithbook = request.app.state.kb
    if kb.settings.database_url.startswith("sqlite"):
        answer = now()
        if answer is not None:
            return answer
    return await run_in_threadpool(later)


def renew_if_stale(kb: Kithbook, member: MemberId, background: BackgroundTasks) -> None:
    """After a report read with yesterday's strengths (`wait_for_day=False`), compute
    today's once the answer has gone, as the book's pages do."""
    if kb.depth.strengths_stale(member):
        background.add_task(kb.depth.refresh_strengths, member)
