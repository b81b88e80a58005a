"""`kithbook intro ask-by-email` and `intro send-introduction`: the introducer's emails
that Kithbook sends (SMTP and a public URL set up: docs/introductions.md).

Without `--send`, `ask-by-email` prints the email as the target will read it, so the
introducer can edit their words (`--subject`, `--message`) and look again.
"""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.cli.context import state
from kithbook.domain.consent import AskEmail

INTRO_ID = typer.Argument(..., metavar="ID", help="The request's id, from `kithbook intro list`.")


def register(intro_app: typer.Typer) -> None:
    intro_app.command("ask-by-email")(ask_by_email)
    intro_app.command("send-introduction")(send_introduction)


def ask_by_email(ctx: typer.Context, intro_id: str = INTRO_ID,
                 subject: str | None = typer.Option(None, "--subject", help="The subject."),
                 message: str | None = typer.Option(None, "--message", "-m",
                                                    help="Your words to the target: why you "
                                                         "think it is worth it."),
                 send: bool = typer.Option(False, "--send", help="Send it (else: preview).")
                 ) -> None:
    """Ask a target who is not on Kithbook, by email, in your name: preview, then --send."""
    cli = state(ctx)
    first = cli.kb.intros.ask_preview(cli.me.id, intro_id)
    ask = AskEmail(subject if subject is not None else first.subject,
                   message if message is not None else first.message)
    if not send:
        preview = cli.kb.intros.ask_preview(cli.me.id, intro_id, ask=ask)
        cli.console.print(f"[bold]To:[/] {escape(preview.to_name)} "
                          f"<{escape(preview.to_address)}>")
        cli.console.print(f"[bold]Subject:[/] {escape(preview.subject)}\n")
        cli.console.print(escape(preview.body), highlight=False)
        cli.console.print("[dim]Change your words with --subject and --message; send it "
                          "with --send.[/]")
        return
    view = cli.kb.intros.send_ask(cli.me.id, intro_id, ask)
    cli.kb.notices.deliver_mail()
    cli.console.print(f"asked by email [dim]{view.id}[/]: {escape(view.target)} answers with "
                      "one click; you will see it here.")


def send_introduction(ctx: typer.Context, intro_id: str = INTRO_ID,
                      note: str | None = typer.Option(None, "--note", "-n",
                                                      help="A line to add.")) -> None:
    """Once the target said yes: Kithbook emails the introduction to both, in your name."""
    cli = state(ctx)
    mail = cli.kb.intros.send_introduction(cli.me.id, intro_id, note=note)
    cli.kb.notices.deliver_mail()
    cli.console.print(f"sent to {escape(', '.join(mail.to))}: {escape(mail.subject)}")
