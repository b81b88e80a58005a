"""`Idempotency-Key`: a write the client sends again (its answer was lost) is made once.

A write (POST, PUT, PATCH, DELETE) with the header is carried out with its key in
context (`services.request_keys`): its transaction records the key, and its answer is
kept. The same key again gets that answer back (with `Idempotent-Replayed: true`)
instead of a second write. Without the header nothing changes.
"""

from __future__ import annotations

import hashlib
import json

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kithbook.domain.errors import InvalidInput
from kithbook.services import request_keys
from kithbook.services.facade import Kithbook
from kithbook.web.auth import SignInRequired, authenticate, community_of
from kithbook.web.errors import error_body

HEADER = "idempotency-key"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
KEEP_AT_MOST = 256 * 1024  # an answer larger than this is not kept (an API write's is small)


def fingerprint(scope: Scope, headers: Headers) -> str:
    """Who sent what: the same key from another member, or for another write, is refused."""
    who = headers.get("authorization") or headers.get("cookie") or ""
    what = "\0".join([scope["method"], scope["path"],
                      scope.get("query_string", b"").decode("latin-1"), who])
    return hashlib.sha256(what.encode()).hexdigest()


class IdempotentWrites:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            request_keys.check_key(key)
        except InvalidInput as exc:
            await _answer(send, 400, error_body(exc.code, exc.message, exc.field))
            return
        kb: Kithbook = scope["app"].state.kb  # read per request, as the routes do
        mark = fingerprint(scope, headers)
        kept = await run_in_threadpool(kb.jobs.kept_answer, key)
        if kept is not None and not await _signed_in(scope):
            # A kept answer is read only by who may still sign in: a revoked token or an
            # ended session is answered as any signed-out request is, by the app.
            await self.app(scope, receive, send)
            return
        if kept is not None:
            await _replay(send, kept.fingerprint == mark, kept.status, kept.content_type,
                          kept.body)
            return
        pending = request_keys.Pending(key, mark, kb.clock.now())
        started: dict[str, object] = {}
        body: list[bytes] = []
        size = [0]

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                size[0] += len(chunk)
                if size[0] <= KEEP_AT_MOST:  # a larger answer is passed on, not held
                    body.append(chunk)
            await send(message)

        with request_keys.carrying(pending):
            await self.app(scope, receive, keeping)
        status = int(started.get("status", 500))  # type: ignore[call-overload]
        if not pending.recorded or status >= 500:
            return  # nothing was written: a retry simply runs again
        answer = Headers(raw=started.get("headers", []))  # type: ignore[arg-type]
        await run_in_threadpool(
            kb.jobs.keep_answer, key, status, answer.get("content-type"),
            b"".join(body).decode("utf-8", "replace") if size[0] <= KEEP_AT_MOST else None)


async def _signed_in(scope: Scope) -> bool:
    request = Request(scope)
    community = community_of(request)
    if community is None:
        return True  # a local book: one owner, no sign-in
    try:
        await authenticate(request, community)
    except SignInRequired:
        return False
    return True


async def _replay(send: Send, same: bool, status: int | None, content_type: str | None,
                  body: str | None) -> None:
    if not same:
        await _answer(send, 422, error_body(
            "invalid_input", "This Idempotency-Key was used for another request; use a new "
            "key for each write.", "Idempotency-Key"))
    elif status is None or body is None:
        await _answer(send, 409, error_body(
            "conflict", "This request was carried out already, but its answer was not kept "
            "(the server stopped as it answered); read what it wrote instead of sending it "
            "again.", "Idempotency-Key"))
    else:
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", (content_type or "application/json").encode("latin-1")),
            (b"idempotent-replayed", b"true")]})
        await send({"type": "http.response.body", "body": body.encode()})


async def _answer(send: Send, status: int, payload: dict[str, object]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(payload).encode()})
