"""`kithbook serve`: the web app on this machine."""

from __future__ import annotations

import ipaddress

import typer
import uvicorn
from rich.markup import escape

from kithbook.cli.context import CliContext, state
from kithbook.domain.errors import InvalidInput
from kithbook.web import create_app


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8000, "--port", min=1, max=65535)) -> None:
    """Serve the web UI and the JSON API (local mode: this machine only, no login)."""
    run_server(state(ctx), host, port)


def run_server(cli: CliContext, host: str, port: int) -> None:
    if not _is_loopback(host):
        raise InvalidInput(f"a local book is served to this machine only; {host!r} is not a "
                           "loopback address. Use --host 127.0.0.1.", field="host")
    cli.me  # noqa: B018 - make sure the book has its owner before the first request
    cli.console.print(f"Serving {escape(cli.settings.database_url)} at "
                      f"http://{host}:{port}/  (Ctrl+C stops)")
    uvicorn.run(create_app(cli.kb), host=host, port=port, log_level="warning")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
