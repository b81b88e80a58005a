"""Text a request brings has no NUL character, whichever route it goes to.

PostgreSQL cannot hold NUL in text (a search or a name with one was a server error
there), SQLite would keep it silently, and no name, note or search has a use for it. So
every route's first dependency looks at all the text a request brings — the path, the
query, form fields, JSON strings and keys — and refuses a NUL with 422 and what to do,
before any service sees it. Uploaded files are bytes, not text, and keep theirs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from fastapi import Request
from starlette.datastructures import FormData

from kithbook.domain.errors import InvalidInput

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_nul(request: Request) -> None:
    if NUL in request.url.path:
        _refuse(None)
    # The query string is still percent-encoded: only one that spells a NUL is decoded.
    if b"%00" in request.scope.get("query_string", b""):
        _check_pairs(request.query_params.multi_items())
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        # Starlette keeps the parsed form on the request: the route reads it again free.
        check_form(await request.form())
    # A multipart body (an upload) is left unread here: an import route takes its slot
    # before the body arrives (web/limits.py); deps.py checks its fields when it reads it.
    elif kind == "application/json" or kind.endswith("+json"):
        body = await request.body()
        # JSON can only carry a NUL escaped; read the body again only when it might.
        if b"\\u0000" in body:
            try:
                _check_json(json.loads(body), None)
            except ValueError:  # not JSON at all: the route's own parsing says so
                return


def check_form(form: FormData) -> None:
    """Refuse a form whose text fields carry a NUL (files are left alone)."""
    _check_pairs((key, value) for key, value in form.multi_items() if isinstance(value, str))


def _check_pairs(pairs: Iterable[tuple[str, str]]) -> None:
    for key, value in pairs:
        if NUL in key or NUL in value:
            _refuse(key.translate({0: None}))


def _check_json(value: object, field: str | None) -> None:
    if isinstance(value, str):
        if NUL in value:
            _refuse(field)
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                _refuse(field)
            _check_json(item, key)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, field)


def _refuse(field: str | None) -> None:
    where = f"{field!r} " if field else "the address or text sent "
    raise InvalidInput(f"{where}contains a NUL character (\\0, %00), which no name, note "
                       "or search can hold; remove it and send again.", field=field or None)
