"""`kithbook demo`: build a demo book and show it."""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.cli import render
from kithbook.cli.context import state
from kithbook.cli.serve import run_server
from kithbook.services.ports import ContactQuery, Sort


def register(app: typer.Typer) -> None:
    app.command()(demo)


DEMO_OWNER = "Sam Rivera"


def demo(ctx: typer.Context,
         size: int = typer.Option(250, "--size", min=1, max=2_000_000,
                                  help="How many contacts (about ten interactions each)."),
         seed: int = typer.Option(7, "--seed", help="The same seed builds the same book."),
         serve: bool = typer.Option(True, "--serve/--no-serve",
                                    help="Serve the web UI once it is built (--no-serve only "
                                         "builds it and shows a summary)."),
         port: int = typer.Option(8000, "--port", min=1, max=65535)) -> None:
    """Build a realistic demo book in the chosen database."""
    cli = state(ctx)
    cli.allow_new_book()
    # The demo's owner has a person's name, not the login's ("Root" read oddly in drafts).
    cli.kb.book.init_local_member(DEMO_OWNER)
    with cli.console.status(f"building a demo book of {size:,} contacts…"):
        report = cli.kb.book.build_demo(cli.me.id, size, seed)
    cli.console.print(
        f"built {report.contacts:,} contacts and {report.interactions:,} interactions in "
        f"{escape(cli.settings.database_url)} (generated in {report.generate_seconds:.1f} s, "
        f"written in {report.write_seconds:.1f} s: {report.rows_per_second:,.0f} rows/s)")
    if serve:
        run_server(cli, "127.0.0.1", port)
        return
    page = cli.kb.book.list_contacts(cli.me.id, ContactQuery(sort=Sort.RECENT, limit=15))
    cli.console.print("\n[bold]Most recently in touch[/]")
    render.contact_page(cli.console, page, cli.kb.clock.today())
