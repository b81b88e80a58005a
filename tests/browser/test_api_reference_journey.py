"""The API's documentation page in a real browser with every outside address blocked."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_show_their_operations_offline(live: Any, page: Any) -> None:
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(live.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(live.url + "/api/docs")
    operations = page.locator(".opblock")
    operations.first.wait_for(timeout=90_000)  # a busy machine parses 1.5 MB of script slowly
    assert operations.count() > 20
    assert page.get_by_text("/api/v1/contacts").first.is_visible()
    assert outside == []
