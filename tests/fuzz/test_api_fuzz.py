"""Fuzz every API operation from its OpenAPI schema: no 5xx, no response off its schema.

Runs in local mode against a small demo book on SQLite. The example count per operation
fits CI; `KITHBOOK_HYPOTHESIS_PROFILE=long` (500 each) or `KITHBOOK_FUZZ_EXAMPLES=N` runs longer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi import FastAPI

from examples import examples
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.services.sessions import csrf_token
from kithbook.web import create_app
from kithbook.web.local_guard import COOKIE
from schema_fuzz import schema_failures

EXAMPLES = int(os.environ.get("KITHBOOK_FUZZ_EXAMPLES") or examples(25, 500))
# A local book answers its own address only, and takes uploads with its pages' token:
# the fuzzer calls as the book's own pages do.
ORIGIN = "http://127.0.0.1:8000"
BROWSER_COOKIE = "a-cookie-the-book-gave-this-browser"
AS_THE_BOOKS_PAGES = {"Host": "127.0.0.1:8000",
                      "Cookie": f"{COOKIE}={BROWSER_COOKIE}",
                      "X-CSRF-Token": csrf_token(BROWSER_COOKIE)}


@pytest.fixture
def api_app(sqlite_url: str) -> Iterator[FastAPI]:
    clock = FixedClock(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
    kb = bootstrap(Settings(database_url=sqlite_url), clock=clock, migrate=False)
    me, _ = kb.book.init_local_member("Fuzz")
    kb.book.build_demo(me.id, 30, 11)
    yield create_app(kb)
    kb.close()


def test_no_server_error_and_every_answer_fits_the_schema(api_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app,
                                            headers=AS_THE_BOOKS_PAGES)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20, "the schema should list every API operation"
    failures = schema_failures(operations, EXAMPLES, base_url=ORIGIN,
                               headers=AS_THE_BOOKS_PAGES)
    assert failures == [], "\n\n".join(failures)
