"""`kithbook intro …`: keep the introductions you are asked for and the ones you ask for.

In a local book the other people are not on Kithbook: `intro request --from` records a
request that reached you by other means, `intro request --via` one you asked of someone
in your book. Every later move is yours to record, and the history says for whom.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kithbook.cli import consent
from kithbook.cli.context import state
from kithbook.domain.errors import InvalidInput
from kithbook.domain.introductions import IntroView, MoveKind, Role, parse_rating
from kithbook.domain.risk_brief import Recommendation, RiskBrief
from kithbook.services.introductions import Box, DraftKind

intro_app = typer.Typer(help="Introductions: ask, answer, and remember how they went.",
                        no_args_is_help=True)

INTRO_ID = typer.Argument(..., metavar="ID", help="The request's id, from `kithbook intro list`.")
NOTE = typer.Option(None, "--note", "-n", help="A note everyone in the request can read.")

_STATE_STYLE = {"requested": "yellow", "forwarded": "cyan", "made": "green",
                "declined": "red", "target_declined": "red", "withdrawn": "dim",
                "expired": "dim"}
_ADVICE_STYLE = {Recommendation.GO_AHEAD: "green", Recommendation.THINK_IT_OVER: "yellow",
                 Recommendation.CONSIDER_DECLINING: "red"}


def register(app: typer.Typer) -> None:
    app.add_typer(intro_app, name="intro")
    for name, command in (("request", request), ("list", list_), ("show", show),
                          ("forward", forward), ("decline", decline), ("accept", accept),
                          ("make", make), ("withdraw", withdraw), ("outcome", outcome),
                          ("brief", brief), ("draft", draft)):
        intro_app.command(name)(command)
    consent.register(intro_app)


def request(ctx: typer.Context,
            to: str = typer.Option(..., "--to", help="Whom to meet: with --from, a contact "
                                   "in your book; with --via, their name."),
            purpose: str = typer.Option(..., "--purpose", "-p", help="What it is for."),
            from_: str | None = typer.Option(None, "--from", help="Someone asked you: their "
                                             "name."),
            email: str | None = typer.Option(None, "--email", help="Their email (with --from, "
                                             "the asker's; with --via, the target's)."),
            via: str | None = typer.Option(None, "--via", help="You ask a contact in your book "
                                           "to introduce you."),
            note: str | None = NOTE) -> None:
    """Record a request: one you received (--from) or one you made (--via)."""
    cli = state(ctx)
    if (from_ is None) == (via is None):
        raise InvalidInput("say who asks whom: --from NAME (someone asked you) or --via "
                           "CONTACT (you asked them), one of the two.", field="from")
    if from_ is not None:
        view = cli.kb.intros.record_received_request(cli.me.id, from_, to, purpose,
                                                     requester_email=email, note=note)
    else:
        assert via is not None
        view = cli.kb.intros.record_asked_request(cli.me.id, via, to, purpose, target_email=email,
                                                  note=note)
    cli.console.print(f"recorded the request [dim]{view.id}[/]: {escape(view.requester)} → "
                      f"{escape(view.introducer)} → {escape(view.target)}")


def list_(ctx: typer.Context,
          inbox: bool = typer.Option(False, "--inbox", help="Only requests waiting on you."),
          outbox: bool = typer.Option(False, "--outbox", help="Only what you asked for.")
          ) -> None:
    """List your introductions, newest first (closing those nobody answered in time)."""
    cli = state(ctx)
    if inbox and outbox:
        raise InvalidInput("choose --inbox or --outbox, or neither for both.")
    cli.kb.intros.expire_due()
    box = Box.INBOX if inbox else Box.OUTBOX if outbox else Box.ALL
    views = cli.kb.intros.list_introductions(cli.me.id, box)
    if not views:
        cli.console.print("No introductions yet. Record one with `kithbook intro request "
                          "--from \"Dina Kovacs\" --to \"Ada\" -p \"…\"`.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("id", "state", "you are", "requester", "introducer", "target", "purpose"):
        table.add_column(column, no_wrap=column in ("id", "state", "you are"))
    for v in views:
        purpose = v.purpose if len(v.purpose) <= 40 else v.purpose[:39] + "…"
        table.add_row(f"[dim]{v.id}[/]", _state(v), v.viewer.value, escape(v.requester),
                      escape(v.introducer), escape(v.target), escape(purpose))
    cli.console.print(table)


def show(ctx: typer.Context, intro_id: str = INTRO_ID) -> None:
    """Show one request with its history."""
    cli = state(ctx)
    _view(cli.console, cli.kb.intros.show(cli.me.id, intro_id))


def forward(ctx: typer.Context, intro_id: str = INTRO_ID, note: str | None = NOTE) -> None:
    """You will ask the target: the request moves on to them."""
    cli = state(ctx)
    _done(cli.console, "forwarded", cli.kb.intros.forward(cli.me.id, intro_id,
                                                          note=note))


def decline(ctx: typer.Context, intro_id: str = INTRO_ID, note: str | None = NOTE,
            reason: str | None = typer.Option(None, "--reason", help="Why, kept private: the "
                                              "requester never reads it.")) -> None:
    """Say no (as introducer, or for the target once forwarded)."""
    cli = state(ctx)
    _done(cli.console, "declined", cli.kb.intros.decline(
        cli.me.id, intro_id, note=note, private_reason=reason))


def accept(ctx: typer.Context, intro_id: str = INTRO_ID, note: str | None = NOTE) -> None:
    """The target said yes: the introduction is made."""
    cli = state(ctx)
    _done(cli.console, "made", cli.kb.intros.accept(cli.me.id, intro_id, note=note))


def make(ctx: typer.Context, intro_id: str = INTRO_ID, note: str | None = NOTE) -> None:
    """Record that the target (not on Kithbook) agreed and you introduced them."""
    cli = state(ctx)
    _done(cli.console, "made", cli.kb.intros.make(cli.me.id, intro_id, note=note))


def withdraw(ctx: typer.Context, intro_id: str = INTRO_ID, note: str | None = NOTE) -> None:
    """Take back a request that is still open."""
    cli = state(ctx)
    _done(cli.console, "withdrawn", cli.kb.intros.withdraw(cli.me.id, intro_id,
                                                           note=note))


def outcome(ctx: typer.Context, intro_id: str = INTRO_ID,
            rating: str = typer.Argument(..., help="positive, neutral or negative."),
            comment: str | None = typer.Option(None, "--comment", "-c",
                                               help="Kept private to you."),
            party: Role | None = typer.Option(None, "--party", help="Whose outcome, when "
                                              "you keep both sides: requester or target.")
            ) -> None:
    """Record how a made introduction went."""
    cli = state(ctx)
    _done(cli.console, "outcome recorded for", cli.kb.intros.record_outcome(
        cli.me.id, intro_id, parse_rating(rating), comment=comment, party=party))


def brief(ctx: typer.Context, intro_id: str = INTRO_ID) -> None:
    """The risk brief: what to weigh before putting your name behind a request."""
    cli = state(ctx)
    _brief(cli.console, cli.kb.intros.risk_brief(cli.me.id, intro_id))


def draft(ctx: typer.Context, intro_id: str = INTRO_ID,
          kind: DraftKind = typer.Argument(DraftKind.ASK, help="ask: to the target, first; "
                                           "introduction: to both, once they agreed."),
          note: str | None = typer.Option(None, "--note", "-n", help="A line to add.")
          ) -> None:
    """Draft an email to send from your own mailbox."""
    cli = state(ctx)
    mail = cli.kb.intros.draft_email(cli.me.id, intro_id, kind, note=note)
    cli.console.print(f"[bold]To:[/] {escape(', '.join(mail.to) or '(no address on file)')}")
    cli.console.print(f"[bold]Subject:[/] {escape(mail.subject)}\n")
    cli.console.print(escape(mail.body), highlight=False)


# ---- showing ---------------------------------------------------------------------------

def _state(view: IntroView) -> str:
    style = _STATE_STYLE[view.state.value]
    return f"[{style}]{view.state.value.replace('_', ' ')}[/]"


def _done(console: Console, verb: str, view: IntroView) -> None:
    console.print(f"{verb} [dim]{view.id}[/]: {escape(view.requester)} → "
                  f"{escape(view.introducer)} → {escape(view.target)} ({_state(view)})")


def _view(console: Console, view: IntroView) -> None:
    console.print(f"[bold]{escape(view.requester)}[/] → [bold]{escape(view.introducer)}[/] → "
                  f"[bold]{escape(view.target)}[/]  {_state(view)}  [dim]{view.id}[/]")
    console.print(f"  [dim]you are the {view.viewer.value}[/]")
    console.print(f"  Purpose: {escape(view.purpose)}")
    if view.deadline is not None:
        console.print(f"  Open until {view.deadline:%Y-%m-%d}")
    reasons = {r.move_index: r.text for r in view.private_reasons}
    console.print()
    for index, move in enumerate(view.history):
        kind = "decline" if move.kind is MoveKind.TARGET_DECLINE else move.kind.value
        who = (f"recorded by {escape(move.by)} for {escape(move.on_behalf_of)}"
               if move.on_behalf_of else f"by {escape(move.by)}")
        if move.by_email:
            who = f"answered by email by {escape(move.on_behalf_of or move.by)}"
        line = f"  {move.at:%Y-%m-%d}  {kind:<8} {who}"
        if move.note:
            line += f"  [dim]{escape(move.note)}[/]"
        console.print(line)
        if index in reasons:
            console.print(f"              [dim]private reason: {escape(reasons[index])}[/]")
    for result in view.outcomes:
        comment = f"  [dim]{escape(result.comment)}[/]" if result.comment else ""
        console.print(f"  outcome for the {result.party.value}: {result.rating.value}{comment}")


def _brief(console: Console, brief: RiskBrief) -> None:
    lines = brief.lines()
    console.print(f"[bold]{escape(lines[0])}[/]")
    console.print(escape(lines[1]))
    style = _ADVICE_STYLE[brief.recommendation]
    console.print(f"Recommendation: [bold {style}]{brief.recommendation.value}[/]")
    for line in lines[3:]:
        console.print(escape(line), highlight=False)
