"""`kithbook backup FILE` and `kithbook restore FILE`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from kithbook.bootstrap import backup_database, restore_database
from kithbook.cli.context import state


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)


def backup(ctx: typer.Context,
           file: Path = typer.Argument(..., help="The backup file to write.")) -> None:
    """Copy the whole database to one file, safely while it is in use."""
    cli = state(ctx)
    cli.require_book()
    written = backup_database(cli.settings, file)
    size = written.stat().st_size
    cli.console.print(f"backed up to {escape(str(written))} ({size:,} bytes)")


def restore(ctx: typer.Context,
            file: Path = typer.Argument(..., help="A file made by `kithbook backup`."),
            yes: bool = typer.Option(False, "--yes", "-y",
                                     help="Do not ask before replacing the database.")) -> None:
    """Replace the whole database with a backup."""
    cli = state(ctx)
    if not yes:
        typer.confirm(f"Replace everything in {cli.settings.database_url} with {file}?",
                      abort=True)
    restore_database(cli.settings, file)
    cli.console.print(f"restored {escape(str(file))}")
