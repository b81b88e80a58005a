"""`kithbook feed show|renew`: the calendar feed's secret address, and who can read it."""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.cli.context import CliContext, state

feed_app = typer.Typer(help="Your keep-in-touch calendar feed: its secret address.",
                       no_args_is_help=True)

ALARM = typer.Option(None, "--alarm", min=-1440, max=1440,
                     help="A reminder this many minutes after the start of each event's day "
                          "(540: 9:00; negative: the day before).")


def register(app: typer.Typer) -> None:
    app.add_typer(feed_app, name="feed")
    feed_app.command("show")(show)
    feed_app.command("renew")(renew)


def show(ctx: typer.Context,
         alarm: int | None = ALARM,
         no_alarm: bool = typer.Option(False, "--no-alarm", help="Remove the alarm.")) -> None:
    """Whether you have a feed, since when, with which alarm, and who can read it."""
    cli = state(ctx)
    if alarm is not None or no_alarm:
        cli.kb.notices.set_feed_alarm(cli.me.id, None if no_alarm else alarm)
    found = cli.kb.notices.feed_address(cli.me.id)
    if found is None:
        cli.console.print("You have no calendar feed yet: `kithbook feed renew` makes its "
                          "address.")
        return
    cli.console.print(f"Your feed address was made on {found.created_at.date().isoformat()}. "
                      "Only a fingerprint of it is kept, so it cannot be shown again: "
                      "`kithbook feed renew` makes a new one (and ends the old).")
    _alarm(cli, found.alarm_minutes)
    _who(cli)


def renew(ctx: typer.Context, alarm: int | None = ALARM) -> None:
    """Make a new secret address for the feed; the old one stops working at once."""
    cli = state(ctx)
    made = cli.kb.notices.renew_feed(cli.me.id, alarm_minutes=alarm)
    cli.console.print("Subscribe to this address in your calendar (shown only now):")
    cli.console.print(escape(made.url(cli.kb.settings.public_url) or ""), soft_wrap=True)
    _alarm(cli, made.alarm_minutes)
    _who(cli)


def _alarm(cli: CliContext, minutes: int | None) -> None:
    if minutes is None:
        cli.console.print("No alarm (`--alarm 540` reminds at 9:00 on the day).")
    else:
        cli.console.print(f"Alarm: {minutes} minutes after the start of each event's day.")


def _who(cli: CliContext) -> None:
    cli.console.print("Anyone who has the address can read these events without signing in: "
                      "keep it like a password. A book served on this computer answers "
                      "only programs on this computer.")
