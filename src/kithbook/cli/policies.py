"""`kithbook policy …`: who may see your contacts and ask you for introductions."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from kithbook.cli.context import state
from kithbook.domain.errors import InvalidInput
from kithbook.domain.policies import PolicyChange, parse_ask_rule, parse_visibility
from kithbook.domain.ties import AskRule, SharingPolicy

policy_app = typer.Typer(help="Sharing rules: your defaults and each contact's own.",
                         no_args_is_help=True)

CONTACT = typer.Argument(None, help="A contact (id or part of the name); none: your defaults.")


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
    policy_app.command("show")(show)
    policy_app.command("set")(set_)


def show(ctx: typer.Context, contact: str | None = CONTACT) -> None:
    """Show your defaults, or the rule that applies to one contact and where it comes from."""
    cli = state(ctx)
    if contact is None:
        cli.console.print("[bold]Your defaults[/] (for contacts without a rule of their own)")
        _policy(cli.console, cli.kb.book.default_policy(cli.me.id))
        return
    shown = cli.kb.book.contact_policy(cli.me.id, contact)
    cli.console.print(f"[bold]{escape(shown.contact.headline)}[/]: following "
                      f"{shown.effective.source}")
    _policy(cli.console, shown.effective.policy)


def set_(ctx: typer.Context, contact: str | None = CONTACT,
         visibility: str | None = typer.Option(None, "--visibility", "-v",
                                               help="hidden, anonymous or named."),
         ask: str | None = typer.Option(None, "--ask", help="Who may ask: nobody, trusted "
                                        "(with --min-trust) or anyone."),
         min_trust: int | None = typer.Option(None, "--min-trust", min=1, max=5,
                                              help="For --ask trusted: the least trust, 1-5."),
         no_intros: bool | None = typer.Option(None, "--no-intros/--intros-ok",
                                               help="Mark a contact \"no introductions\"."),
         welcomes: str | None = typer.Option(None, "--welcomes",
                                             help="What the contact is happy to be asked "
                                                  "about."),
         clear_welcomes: bool = typer.Option(False, "--clear-welcomes"),
         follow_defaults: bool = typer.Option(False, "--follow-defaults",
                                              help="Drop the contact's own rule.")) -> None:
    """Change only the rules you name, for your defaults or one contact."""
    cli = state(ctx)
    change = PolicyChange(
        visibility=parse_visibility(visibility) if visibility is not None else None,
        ask_rule=parse_ask_rule(ask) if ask is not None else None, ask_min_trust=min_trust,
        no_introductions=no_intros, welcomes=welcomes, clear_welcomes=clear_welcomes)
    if change == PolicyChange() and not follow_defaults:
        raise InvalidInput("nothing to change: give at least one option, e.g. --ask anyone.")
    if contact is None:
        if follow_defaults:
            raise InvalidInput("--follow-defaults applies to a contact; name one.")
        cli.console.print("updated your defaults")
        _policy(cli.console, cli.kb.book.set_default_policy(cli.me.id, change))
        return
    shown = cli.kb.book.set_contact_policy(cli.me.id, contact, change,
                                           follow_defaults=follow_defaults)
    cli.console.print(f"updated [bold]{escape(shown.contact.headline)}[/]: following "
                      f"{shown.effective.source}")
    _policy(cli.console, shown.effective.policy)


def _policy(console: Console, policy: SharingPolicy) -> None:
    asking = policy.ask_rule.value
    if policy.ask_rule is AskRule.TRUSTED:
        asking = f"members you trust at {policy.ask_min_trust} or more"
    rows = [("visible", policy.visibility.value), ("who may ask", asking)]
    if policy.no_introductions:
        rows.append(("introductions", "no introductions"))
    if policy.welcomes:
        rows.append(("welcomes", policy.welcomes))
    for label, value in rows:
        console.print(f"  [dim]{label:>13}[/]  {escape(value)}")
