"""Fuzz every API operation of a community server as a signed-in member.

The member scripts the API with their own token (`Authorization: Bearer`), as the API
offers; they and a second member each hold a small demo book, and an admin exists, so
the community's own routes (sessions, tokens, links, settings, admin) are reached as a
member would reach them. No answer may be a 5xx or fall outside its schema.
`KITHBOOK_HYPOTHESIS_PROFILE=long` (500 each) or `KITHBOOK_FUZZ_EXAMPLES=N` runs longer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
import schemathesis
from fastapi import FastAPI

from community_members import add_member
from examples import examples
from kithbook.domain.members import Role
from kithbook.services.facade import Kithbook
from kithbook.web import create_app
from kithbook.web.auth import Community
from schema_fuzz import schema_failures

EXAMPLES = int(os.environ.get("KITHBOOK_FUZZ_EXAMPLES") or examples(15, 500))


@dataclass
class Server:
    app: FastAPI
    token: str


@pytest.fixture
def server(kb: Kithbook) -> Server:
    ada = add_member(kb, "Ada")
    ben = add_member(kb, "Ben")
    add_member(kb, "Root", role=Role.ADMIN)
    kb.book.build_demo(ada.id, 30, 11)
    kb.book.build_demo(ben.id, 30, 12)
    _, token = kb.accounts.create_api_token(ada.id, "fuzz")
    return Server(create_app(kb, Community()), token)


def test_no_server_error_and_every_answer_fits_the_schema(server: Server) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", server.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert any("/admin/" in op.path for op in operations), "community routes are listed"
    headers = {"Authorization": f"Bearer {server.token}"}
    failures = schema_failures(operations, EXAMPLES, headers=headers)
    assert failures == [], "\n\n".join(failures)
