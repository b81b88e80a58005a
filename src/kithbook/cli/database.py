"""`kithbook init` and `kithbook db upgrade`."""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.bootstrap import upgrade_database
from kithbook.cli.context import state

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.add_typer(db_app, name="db")
    db_app.command("upgrade")(upgrade)


def init(ctx: typer.Context,
         name: str = typer.Option("", "--name", help="Your name, as it appears to you.")) -> None:
    """Create your book (or show where it is)."""
    cli = state(ctx)
    cli.allow_new_book()
    member, created = cli.kb.book.init_local_member(name or "Me")
    where = escape(cli.settings.database_url)
    if created:
        cli.console.print(f"Your book is ready at {where}. Add someone with "
                          '`kithbook add "Ada Lovelace" --org "Analytical Engines"`.')
        if not name.strip():
            cli.console.print('Sign your introductions with your own name: '
                              '`kithbook profile --name "Sam Rivera"`.')
    else:
        cli.console.print(f"Your book, {escape(member.name)}'s, is at {where}.")


def upgrade(ctx: typer.Context) -> None:
    """Apply pending schema migrations."""
    cli = state(ctx)
    cli.require_book()
    where = upgrade_database(cli.settings)
    cli.console.print(f"The database at {escape(where)} is up to date.")
