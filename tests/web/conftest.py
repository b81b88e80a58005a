"""A web app over a real database, driven in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from apps import app_for, local_browser
from fastapi.testclient import TestClient

from kithbook.services.facade import Kithbook


@pytest.fixture
def client(kb: Kithbook) -> Iterator[TestClient]:
    """The book's own pages, as a browser holds them: at the loopback address, with the
    cookie the book gave it and that cookie's CSRF token on every request."""
    with local_browser(app_for(kb)) as test_client:
        yield test_client


@pytest.fixture
def ada(client: TestClient) -> dict[str, object]:
    response = client.post("/api/v1/contacts", json={
        "name": "Ada Lovelace", "emails": [{"value": "ada@example.org", "label": "work"}],
        "organization": "Analytical Engines", "role": "CTO", "tags": ["mentor"],
        "stated_trust": 4, "notes": "prefers mornings"})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body
