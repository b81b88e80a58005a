"""docs/api.md lists every API operation the app serves, and nothing it does not."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_api_doc_lists_exactly_the_served_operations(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    served = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    documented = set(re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|",
                                DOC.read_text(encoding="utf-8"), flags=re.MULTILINE))
    assert documented == served
