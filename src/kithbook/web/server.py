"""The web app as uvicorn imports it in each worker process.

`kithbook serve --community` (or `kithbook serve --workers N` for a local book) runs the
migrations once, puts its settings in the environment and starts uvicorn with
`kithbook.web.server:community_app` (or `local_app`) as a factory, so every worker builds
its own engine and pool from the same configuration.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kithbook.bootstrap import bootstrap
from kithbook.config import load_settings
from kithbook.services.facade import Kithbook
from kithbook.services.mail_sender import (
    DIGEST_EVERY,
    SWEEP_EVERY,
    BackgroundJob,
    BackgroundSender,
)
from kithbook.web.app import create_app
from kithbook.web.auth import Community

INSECURE_DEV = "KITHBOOK_INSECURE_DEV"
THREADS = "KITHBOOK_WEB_THREADS"


def community_from(env: Mapping[str, str]) -> Community:
    return Community(secure_cookies=env.get(INSECURE_DEV, "") != "1")


def threads_from(env: Mapping[str, str]) -> int | None:
    value = env.get(THREADS, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


# A request allocates thousands of short-lived objects; at the interpreter's default
# (a young collection every 700 allocations, a full one every hundred of those) the full
# collections walked the whole heap every few requests and made the slowest requests
# twice the median under load (docs/benchmarks.md, web app under load).
YOUNG_COLLECTION_EVERY = 50_000


def settle_memory() -> None:
    """Once a server process has built its app: what exists now lives as long as the
    process, so collections stop walking it (`gc.freeze`), and young collections run
    less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)


# Capture sources due are looked for this often (each runs every 15 minutes, or at once
# when its "Run now" was pressed); runs happen here, never inside a request.
CAPTURE_EVERY = 20.0
LINK_EMAILS_EVERY = 600.0  # reminders and outcome emails are due by the day
# Every worker of every server looks this often whether a periodic job is due; the job's
# row in the database lets one of them run it, once per its period (services/jobs.py).
POLL_EVERY = 30.0


def periodic(kb: Kithbook, name: str, every: float, work: Callable[[], int]
             ) -> BackgroundJob:
    return BackgroundJob(lambda: kb.jobs.run_job(name, every, work) or 0, min(every, POLL_EVERY),
                         name=f"kithbook-{name}")


def capture_job(kb: Kithbook) -> BackgroundJob:
    return BackgroundJob(lambda: len(kb.capture().run_due()), CAPTURE_EVERY,
                         name="kithbook-capture")


def mail_jobs(kb: Kithbook) -> list[BackgroundJob]:
    """With SMTP set up (a community, or a local book with a public URL): the sender of
    the outbox, and the job that enqueues consent reminders and outcome emails."""
    if kb.mailer is None:
        return []
    return [BackgroundSender(kb.notices.deliver_mail),
            periodic(kb, "links", LINK_EMAILS_EVERY, kb.intros.send_link_emails)]


def local_app() -> FastAPI:
    """One worker of a local book: SQLite in WAL mode lets the workers read side by side."""
    kb = bootstrap(load_settings(os.environ), migrate=False)
    app = create_app(kb, threads=threads_from(os.environ))
    settle_memory()
    return _running(app, [capture_job(kb), *mail_jobs(kb)])


def community_app() -> FastAPI:
    env = os.environ
    kb = bootstrap(load_settings(env), migrate=False)
    app = create_app(kb, community_from(env), threads=threads_from(env))
    settle_memory()
    jobs = [periodic(kb, "digest", DIGEST_EVERY, kb.notices.send_weekly_digests),
            periodic(kb, "sweep", SWEEP_EVERY,
                     lambda: kb.accounts.sweep_sessions() + kb.jobs.forget_request_keys()),
            capture_job(kb), *mail_jobs(kb)]
    return _running(app, jobs, close=kb.close)


def _running(app: FastAPI, jobs: list[BackgroundJob],
             close: Callable[[], None] = lambda: None) -> FastAPI:
    """`app`, whose background jobs start with the server and stop (then `close`) with it."""

    @asynccontextmanager
    async def background(_: FastAPI) -> AsyncIterator[None]:
        for job in jobs:
            job.start()
        try:
            yield
        finally:
            for job in jobs:
                job.stop()
            close()

    app.router.lifespan_context = background
    return app
