"""What one request may cost: the size of its body, and how many imports run at once.

A body larger than the bound is refused with 413 before it is read: at once when its
`Content-Length` says so, else (a chunked body) as soon as the bytes received pass the
bound. Imports beyond the bound get 503 with `Retry-After` at once, rather than queue
behind the ones running (each holds a file on disk and a thread).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kithbook.config import Settings
from kithbook.domain.errors import KithbookError
from kithbook.web.errors import _page, error_body, try_again_later
from kithbook.web.uploads import Uploads

MEGABYTE = 1 << 20
BUSY_RETRY_SECONDS = 30


class BodyLimit:
    """Refuses a request body over `max_bytes` with 413 (plain ASGI, like the security
    headers: no per-request task)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        refused = False
        started = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    # The app reads as if the client had gone; the answer is ours.
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.max_bytes / MEGABYTE
        message = (f"this request is larger than the {megabytes:g} MB this server accepts; "
                   f"send a smaller file (split a large export), or ask whoever runs the "
                   f"server to raise KITHBOOK_MAX_UPLOAD_MB.")
        request = Request(scope, receive)
        response: Response
        if request.url.path.startswith("/api/"):
            response = JSONResponse(error_body("too_large", message, None), status_code=413)
        else:
            response = _page(request, 413, message)
        # The rest of the body is not read: the connection closes after the answer.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


class Busy(KithbookError):
    """Too many imports run on this server process; the client should come back soon."""

    code = "busy"
    retry_after = BUSY_RETRY_SECONDS


class ImportSlots:
    """At most `bound` imports (previews included) at once in this process."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._free = threading.BoundedSemaphore(bound)

    @contextmanager
    def held(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise Busy(f"the server is busy with {self.bound} other import(s); try again in "
                       f"a minute.")
        try:
            yield
        finally:
            self._free.release()


def import_slot(request: Request) -> Iterator[None]:
    """A dependency that holds an import slot for the whole request, from before its body
    is read (when nothing before it reads the body) to after the import."""
    slots: ImportSlots = request.app.state.import_slots
    with slots.held():
        yield


ImportSlot = Annotated[None, Depends(import_slot)]


def install(app: FastAPI, settings: Settings) -> None:
    """The bounds of `settings` on this app, and where its uploads wait (swept now)."""
    app.state.import_slots = ImportSlots(settings.max_imports)
    app.state.uploads = Uploads(settings.data_folder() / "uploads")
    app.state.uploads.sweep()
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_upload_mb * MEGABYTE))

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> Response:
        return try_again_later(request, 503, exc.code, exc.message, exc.retry_after)
