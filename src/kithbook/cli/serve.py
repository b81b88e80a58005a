"""`kithbook serve`: the web app on this machine, or a community server."""

from __future__ import annotations

import ipaddress
import os
from typing import Any

import typer
import uvicorn
from rich.markup import escape

from kithbook.bootstrap import upgrade_database
from kithbook.cli.context import CliContext, state
from kithbook.domain.errors import InvalidInput

# A local book's requests are all CPU (SQLite in the process): a few threads per worker
# contend less for the interpreter lock than anyio's 40 and still leave room beside a
# slow one, such as the day's strength refresh (docs/benchmarks.md, web app under load).
LOCAL_THREADS = 4


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", min=1, max=65535),
          community: bool = typer.Option(
              False, "--community", help="Serve many members, who sign in (see docs/deploy.md)."),
          workers: int = typer.Option(
              1, "--workers", min=1, max=64,
              help="Worker processes; more answer more requests at once on a busy book "
                   "(SQLite readers do not block each other)."),
          threads: int | None = typer.Option(
              None, "--threads", min=1, max=64,
              help="Requests each worker computes at once (default 4 for a local book, 40 "
                   "in a community, where requests also wait on the database); fewer spend "
                   "less CPU per request under many clients, more let a slow request run "
                   "beside the others."),
          insecure_dev: bool = typer.Option(
              False, "--insecure-dev",
              help="Community mode over plain HTTP on this machine, for trying it out: "
                   "cookies lose their Secure flag. Never in production.")) -> None:
    """Serve the web UI and the JSON API (local mode: this machine only, no login)."""
    # The web app loads only here: every other command starts without it (0.4 s).
    from kithbook.web.server import THREADS

    cli = state(ctx)
    if threads is None and not community:
        threads = LOCAL_THREADS
    if threads is not None:  # read by each worker (kithbook.web.server)
        os.environ[THREADS] = str(threads)
    if community:
        run_community(cli, host, port, workers, insecure_dev=insecure_dev)
    else:
        run_server(cli, host, port, workers, threads=threads)


def run_server(cli: CliContext, host: str, port: int, workers: int = 1, *,
               threads: int | None = LOCAL_THREADS) -> None:
    from kithbook.web import create_app
    from kithbook.web.server import capture_job, settle_memory

    if not _is_loopback(host):
        raise InvalidInput(f"a local book is served to this machine only; {host!r} is not a "
                           "loopback address. Use --host 127.0.0.1.", field="host")
    cli.me  # noqa: B018 - make sure the book has its owner before the first request
    _prepare_path_search(cli)
    cli.console.print(f"Serving {escape(cli.settings.database_url)} at "
                      f"http://{host}:{port}/  (Ctrl+C stops)")
    if workers == 1:
        app = create_app(cli.kb, threads=threads)
        settle_memory()
        job = capture_job(cli.kb)  # capture sources run here, beside the requests
        job.start()
        try:
            uvicorn.run(app, host=host, port=port, log_level="warning")
        finally:
            job.stop()
        return
    # Each worker is its own process and opens the book itself (migrated above by `me`).
    os.environ["KITHBOOK_DATABASE_URL"] = cli.settings.database_url
    _run_workers("kithbook.web.server:local_app", host, port, workers, log_level="warning")


def run_community(cli: CliContext, host: str, port: int, workers: int, *,
                  insecure_dev: bool) -> None:
    """Sessions ride on Secure cookies, which browsers send over HTTPS only: the server
    expects a TLS-terminating reverse proxy in front, unless --insecure-dev (loopback)."""
    from kithbook.web.server import INSECURE_DEV

    if insecure_dev and not _is_loopback(host):
        raise InvalidInput("--insecure-dev serves without HTTPS-only cookies, so only to this "
                           "machine; use --host 127.0.0.1, or drop --insecure-dev and put a "
                           "TLS proxy in front (docs/deploy.md).", field="host")
    cli.require_book()
    where = upgrade_database(cli.settings)  # once, before the workers start
    _prepare_path_search(cli)
    os.environ["KITHBOOK_DATABASE_URL"] = cli.settings.database_url
    os.environ[INSECURE_DEV] = "1" if insecure_dev else "0"
    scheme = "http" if insecure_dev else "https (through your proxy)"
    cli.console.print(f"Community server on {escape(where)}: {workers} worker(s) at "
                      f"{host}:{port}, {scheme}  (Ctrl+C stops)")
    _run_workers("kithbook.web.server:community_app", host, port, workers,
                 log_level="warning", proxy_headers=True,
                 forwarded_allow_ips=os.environ.get("KITHBOOK_FORWARDED_ALLOW_IPS",
                                                    "127.0.0.1"))


def _run_workers(factory: str, host: str, port: int, workers: int, **options: Any) -> None:
    """Worker processes that take new connections in turn (`web/workers.py`) where Unix
    sockets can pass them, else uvicorn's, which share one listening socket."""
    from kithbook.web.workers import serve_spread, spread_supported

    if workers > 1 and spread_supported():
        serve_spread(factory, host, port, workers, **options)
    else:
        uvicorn.run(factory, factory=True, host=host, port=port, workers=workers, **options)


def _prepare_path_search(cli: CliContext) -> None:
    """Compile the path search before the first request: seconds once after an install,
    then read from numba's cache on disk by this process and every worker."""
    from kithbook.graph import path_kernel  # numba loads only where searches run

    with cli.console.status("Getting the warm-path search ready…"):
        path_kernel.prepare()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
