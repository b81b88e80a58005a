"""Commands for a contact's important dates: date, undate."""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.cli import render
from kithbook.cli.context import state
from kithbook.domain.important_dates import named, parse_important_date


def register(app: typer.Typer) -> None:
    app.command()(date)
    app.command()(undate)


def date(ctx: typer.Context,
         contact: str = typer.Argument(..., help="Id or part of the name."),
         what: str = typer.Argument(..., help="birthday, anniversary, or the date's own "
                                              "name (\"Name day\")."),
         day: str = typer.Argument(..., help="1815-12-10, or 12-10 when the year is not "
                                             "known."),
         replacing: str | None = typer.Option(
             None, "--replacing", help="The name of the date this one takes the place of "
                                       "(to rename a date).")) -> None:
    """Set a contact's birthday, anniversary or named date: `kithbook date Ada birthday
    1815-12-10`. A date of the same name is replaced."""
    cli = state(ctx)
    kind, label = named(what)
    value = parse_important_date(day, kind, label=label, today=cli.kb.clock.today())
    found, dates = cli.kb.book.set_date(cli.me.id, contact, value, replacing=replacing)
    cli.console.print(f"{render.who(found)}: {escape(render.dates_line(dates))}")


def undate(ctx: typer.Context,
           contact: str = typer.Argument(..., help="Id or part of the name."),
           what: str = typer.Argument(..., help="The date's name: birthday, anniversary, "
                                                "or its own.")) -> None:
    """Remove a contact's important date: `kithbook undate Ada anniversary`."""
    cli = state(ctx)
    found, dates = cli.kb.book.remove_date(cli.me.id, contact, what)
    cli.console.print(f"{render.who(found)}: {escape(render.dates_line(dates))}")
