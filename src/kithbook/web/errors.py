"""One shape for every error: `{"error": {"code", "message", "field"}}` or an HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kithbook.domain.errors import (
    Ambiguous,
    Conflict,
    InvalidInput,
    KithbookError,
    NotAllowed,
    NotFound,
)

# The query parameter that tells a page which of its parameters were left out unread.
IGNORED = "ignored"

STATUS: dict[type[KithbookError], int] = {
    InvalidInput: 422, NotFound: 404, Ambiguous: 409, NotAllowed: 403, Conflict: 409,
}


class PreconditionFailed(Conflict):
    """An If-Match header named a version that is no longer current."""

    code = "precondition_failed"


def status_of(error: KithbookError) -> int:
    if isinstance(error, PreconditionFailed):
        return 412
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def error_body(code: str, message: str, field: str | None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "field": field}}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    @app.exception_handler(KithbookError)
    async def _domain(request: Request, exc: KithbookError) -> Response:
        status = status_of(exc)
        if _wants_html(request):
            return _page(request, status, exc.message)
        return JSONResponse(error_body(exc.code, exc.message, exc.field), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if _wants_html(request) and request.method == "GET":
            unread = _unread_query(exc)
            if unread:
                return _without(request, unread)
        first = exc.errors()[0] if exc.errors() else {}
        field = _field_name(first.get("loc", ()))
        message = f"{field + ': ' if field else ''}{first.get('msg', 'invalid request')}"
        if _wants_html(request):
            return _page(request, 422, message)
        return JSONResponse(error_body("invalid_input", message, field), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = "nothing here." if exc.status_code == 404 else str(exc.detail)
        if _wants_html(request):
            return _page(request, exc.status_code, message)
        return JSONResponse(error_body(code, message, None), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))


def _field_name(location: Sequence[object]) -> str | None:
    """`stage`, not `query.stage.str-enum[StageKey]`: the part a person typed."""
    parts = [str(part) for part in location
             if part not in ("body", "query", "path") and "[" not in str(part)]
    return ".".join(parts) or None


def _unread_query(exc: RequestValidationError) -> set[str]:
    """The query parameters a page could not read, when nothing else was wrong."""
    locations = [tuple(error.get("loc", ())) for error in exc.errors()]
    if not locations or any(len(loc) < 2 or loc[0] != "query" for loc in locations):
        return set()
    return {str(loc[1]) for loc in locations}


def _without(request: Request, unread: set[str]) -> Response:
    """The same page without what it could not read; base.html says what was left out.

    A link with `?stage=foo` or `?page=abc` then lands where it meant to, not on an error
    page of validator text."""
    kept = [(key, value) for key, value in request.query_params.multi_items()
            if key not in unread and key != IGNORED]
    kept.append((IGNORED, ",".join(sorted(unread))))
    return RedirectResponse(f"{request.url.path}?{urlencode(kept)}", status_code=303)


def try_again_later(request: Request, status: int, code: str, message: str,
                    retry_after: int) -> Response:
    """A refusal that passes (a throttle, a busy server): the JSON error or the error page,
    either with the `Retry-After` a client waits for."""
    headers = {"Retry-After": str(retry_after)}
    if request.url.path.startswith("/api/"):
        return JSONResponse(error_body(code, message, None), status_code=status,
                            headers=headers)
    response = _page(request, status, message)
    response.headers.update(headers)
    return response


def _page(request: Request, status: int, message: str) -> Response:
    templates = getattr(request.app.state, "templates", None)
    if templates is None:
        return HTMLResponse(f"<p>{status}</p>", status_code=status)
    response: Response = templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status)
    return response
