"""`kithbook member …`: bootstrap a community server's first admin, invite people, set a
password for a member who cannot receive the reset email."""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.cli.context import state
from kithbook.domain.members import Role

member_app = typer.Typer(help="Community accounts: the first admin, invitations, passwords.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(member_app, name="member")


@member_app.command("create-admin")
def create_admin(ctx: typer.Context,
                 email: str = typer.Option(..., "--email", help="The admin's email."),
                 name: str = typer.Option(..., "--name", help="Their name, as shown."),
                 password: str = typer.Option(..., prompt=True, hide_input=True,
                                              confirmation_prompt=True,
                                              help="Asked for when left out.")) -> None:
    """Create an admin account (the first one, on a new server)."""
    cli = state(ctx)
    cli.allow_new_book()
    member = cli.kb.accounts.create_admin(email, name, password)
    cli.console.print(f"{escape(member.name)} <{escape(member.email or '')}> is an admin. "
                      "They sign in at /login.")


@member_app.command("invite")
def invite(ctx: typer.Context,
           email: str = typer.Argument(..., help="Whom to invite."),
           admin: bool = typer.Option(False, "--admin", help="Invite them as an admin."),
           base_url: str = typer.Option(
               "", "--base-url", metavar="URL",
               help="The server's public address, e.g. https://kith.example.org "
                    "(default: KITHBOOK_PUBLIC_URL).")) -> None:
    """Create an invitation link (shown once; it works once, for the community's
    invitation days: 14 unless an admin changed it)."""
    cli = state(ctx)
    invitation, token = cli.kb.accounts.invite(None, email,
                                               role=Role.ADMIN if admin else Role.MEMBER)
    link = f"{(base_url or cli.settings.public_url).rstrip('/')}/invitations/{token}"
    cli.console.print(f"Invitation for {escape(invitation.email)}, valid until "
                      f"{invitation.expires_at.date()}. Send them this link:")
    cli.console.print(escape(link), soft_wrap=True, highlight=False)


@member_app.command("set-password")
def set_password(ctx: typer.Context,
                 email: str = typer.Argument(..., help="The account's email."),
                 password: str = typer.Option(..., prompt="New password", hide_input=True,
                                              confirmation_prompt=True,
                                              help="Asked for when left out.")) -> None:
    """Give an account a new password (every session and API token of it ends). Members normally use
    'Forgot your password?' on the sign-in page; this is for when email cannot reach them."""
    cli = state(ctx)
    member = cli.kb.accounts.set_password(email, password)
    cli.console.print(f"New password set for {escape(member.name)} "
                      f"<{escape(member.email or '')}>; their sessions are signed out and "
                      "their API tokens revoked.")
