"""`kithbook serve --threads N`: how many plain `def` routes a worker runs at once."""

from __future__ import annotations

import anyio.to_thread
from fastapi.testclient import TestClient

from kithbook.services.facade import Kithbook
from kithbook.web import create_app
from kithbook.web.server import threads_from


def _tokens_seen_by_a_route(kb: Kithbook, threads: int | None) -> float:
    app = create_app(kb, threads=threads)

    @app.get("/probe-threads")
    async def probe() -> dict[str, float]:
        return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/").status_code == 200  # a sync route runs under the limit
        response = client.get("/probe-threads")
        assert response.status_code == 200
        tokens: float = response.json()["tokens"]
        return tokens


def test_a_worker_runs_as_many_routes_at_once_as_it_is_told(kb: Kithbook) -> None:
    assert _tokens_seen_by_a_route(kb, 2) == 2


def test_without_a_limit_the_thread_pool_keeps_its_default(kb: Kithbook) -> None:
    assert _tokens_seen_by_a_route(kb, None) == 40


def test_the_worker_reads_its_limit_from_the_environment() -> None:
    assert threads_from({"KITHBOOK_WEB_THREADS": "2"}) == 2
    assert threads_from({}) is None
    assert threads_from({"KITHBOOK_WEB_THREADS": "0"}) is None
    assert threads_from({"KITHBOOK_WEB_THREADS": "many"}) is None
