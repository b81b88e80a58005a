"""`kithbook sync`: keep the book and your own address-book server (CardDAV) in step."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from kithbook.cli.capture import print_report, read_password
from kithbook.cli.context import state
from kithbook.cli.progress import Meter
from kithbook.domain.sync import DEFAULT_MAX_DELETE_SHARE, shown

sync_app = typer.Typer(help="Two-way sync with your own address-book server (CardDAV).",
                       no_args_is_help=True)
add_app = typer.Typer(help="Add an account to sync with.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(sync_app, name="sync")
    sync_app.add_typer(add_app, name="add")
    sync_app.command("run")(run)
    sync_app.command("list")(list_)
    sync_app.command("conflicts")(conflicts)
    sync_app.command("resolve")(resolve)


@add_app.command("carddav")
def add_carddav(ctx: typer.Context,
                url: str = typer.Argument(..., help="Your server's address (Nextcloud, "
                                          "Radicale, iCloud, Fastmail…) or one address "
                                          "book's."),
                user: str = typer.Option(..., "--user", help="The account's user name."),
                password_file: Path | None = typer.Option(
                    None, "--password-file", help="Read the password (or app password) "
                    "from this file instead of asking."),
                book: str | None = typer.Option(None, "--book", help="Which address book, by "
                                                "name, when there are several."),
                tag: list[str] = typer.Option([], "--tag", help="Sync only contacts with "
                                              "this tag (repeatable; default: all)."),
                max_delete: float = typer.Option(
                    DEFAULT_MAX_DELETE_SHARE, "--max-delete", help="Stop and ask when a "
                    "sync would delete more than this share of the book (0.1: 10 %)."),
                name: str | None = typer.Option(None, "--name", help="What to call it."),
                ) -> None:
    """Add a CardDAV account: its address books are found from the URL."""
    cli = state(ctx)
    source = cli.kb.sync().add_carddav(cli.me.id, url=url, username=user,
                                       password=read_password(password_file), book=book,
                                       tags=tuple(tag), max_delete_share=max_delete,
                                       label=name)
    cli.console.print(f"added {escape(source.label)} " + escape(f"[{source.id}]")
                      + "; sync it with `kithbook sync run`.", soft_wrap=True)


def run(ctx: typer.Context,
        source: str | None = typer.Argument(None, help="One account (id or name); "
                                            "default: all."),
        allow_deletes: bool = typer.Option(False, "--allow-deletes",
                                           help="Go on past the safety stop."),
        ) -> None:
    """Sync now, both ways, with a progress bar."""
    cli = state(ctx)
    with Meter("cards") as meter:
        outcomes = cli.kb.sync().run(cli.me.id, source, allow_deletes=allow_deletes,
                                     progress=meter.count)
    failed = False
    for found, report, error in outcomes:
        if report is not None:
            print_report(cli.console, report)
        else:
            failed = True
            cli.console.print(f"error: {escape(found.label)}: {escape(error or '')}",
                              soft_wrap=True)
    if not outcomes:
        cli.console.print("No account to sync: `kithbook sync add carddav URL --user U`.")
    if failed:
        raise typer.Exit(1)


def list_(ctx: typer.Context) -> None:
    """Your accounts: last run, what it did, and its error in plain words."""
    cli = state(ctx)
    for source in cli.kb.sync().sources(cli.me.id):
        when = source.last_run_at.isoformat(timespec="minutes") if source.last_run_at \
            else "never"
        cli.console.print(escape(f"[{source.id}]") + f" {escape(source.label)}: "
                          f"{source.status}, last run "
                          f"{when}" + (f": {escape(source.last_error)}" if source.last_error
                                       else ""), soft_wrap=True)


def conflicts(ctx: typer.Context) -> None:
    """Fields changed on both sides since the last sync, with both values."""
    cli = state(ctx)
    found = cli.kb.sync().conflicts(cli.me.id)
    if not found:
        cli.console.print("No conflicts.")
    for c in found:
        cli.console.print(escape(f"[{c.id}]") + f" {escape(c.contact_name)}, {c.field}: "
                          f"ours {escape(shown(c.ours))!r} / theirs "
                          f"{escape(shown(c.theirs))!r}", soft_wrap=True)


def resolve(ctx: typer.Context, conflict: str = typer.Argument(...),
            keep: str = typer.Argument(..., help="ours (the book's) or theirs (the "
                                       "server's).")) -> None:
    """Choose a conflict's value; the next sync carries it to the other side."""
    cli = state(ctx)
    done = cli.kb.sync().resolve(cli.me.id, conflict, keep)
    cli.console.print(f"kept {keep} for {escape(done.contact_name)}'s {done.field}.")
