"""The root command: global options, error handling, and the command groups."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer
from rich.console import Console
from rich.markup import escape

from kithbook.cli import (
    backup,
    book,
    capture,
    database,
    dates,
    demo,
    depth,
    feed,
    introductions,
    members,
    paths,
    policies,
    serve,
    sync,
    transfer,
    trust,
)
from kithbook.cli.context import CliContext
from kithbook.config import load_settings
from kithbook.domain.errors import KithbookError

app = typer.Typer(
    name="kithbook",
    help="Your private book of relationships: contacts, their history, and how deep each is.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    ctx: typer.Context,
    database_url: str | None = typer.Option(
        None, "--database", "-d", metavar="PATH_OR_URL",
        help="SQLite file or PostgreSQL URL (default: $KITHBOOK_DATABASE_URL, else a file in "
             "your user data folder)."),
) -> None:
    ctx.obj = CliContext(load_settings().with_database(database_url))
    ctx.call_on_close(ctx.obj.close)


book.register(app)
database.register(app)
dates.register(app)
demo.register(app)
serve.register(app)
introductions.register(app)
paths.register(app)
policies.register(app)
trust.register(app)
backup.register(app)
transfer.register(app)
depth.register(app)
members.register(app)
capture.register(app)
feed.register(app)
sync.register(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; a user mistake prints one line and exits 2, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        result = app(args=args, prog_name="kithbook", standalone_mode=False)
    except KithbookError as exc:
        err.print(f"[bold red]error:[/] {escape(exc.message)}")
        return 2
    except typer.Abort:
        err.print("aborted.")
        return 1
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.TyperException as exc:  # usage mistakes: unknown option, bad value, …
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"error: {escape(str(exc))}")
        return int(getattr(exc, "exit_code", 2))
    # Without standalone mode click hands back the exit code of --help and friends.
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
