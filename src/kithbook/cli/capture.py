"""`kithbook capture`: history from mail, without typing it.

    kithbook capture rule own me@example.org     # which mail you wrote
    kithbook capture mail ~/Takeout/All.mbox     # an mbox, a Maildir or .eml files
    kithbook capture review                      # people you write to who are not in the book
    kithbook capture add imap --host imap.example.org --user me@example.org
    kithbook capture add caldav https://dav.example.org/ --user me
    kithbook capture run                         # every source, only what is new
    kithbook capture sources / test SOURCE / remove SOURCE
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kithbook.cli.context import state
from kithbook.cli.progress import Meter
from kithbook.domain.capture import DEFAULT_MAX_RECIPIENTS, RuleKind, parse_review_choice
from kithbook.domain.errors import InvalidInput
from kithbook.domain.sources import Source
from kithbook.io.imap import Security
from kithbook.services.capture import CaptureReport, MeetingReport
from kithbook.services.secrets import new_key
from kithbook.services.sync import SyncReport

capture_app = typer.Typer(help="Capture history from mail: known people only, bulk and "
                               "automatic mail skipped, strangers to a review queue.",
                          no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(capture_app, name="capture")


@capture_app.command("mail")
def mail(ctx: typer.Context,
         path: str = typer.Argument(..., help="An mbox file (e.g. Google Takeout), a Maildir "
                                    "folder, a .eml file or a folder of them."),
         subjects: bool = typer.Option(False, "--keep-subjects",
                                       help="Keep each thread's subject as the note "
                                            "(off by default: headers only)."),
         max_recipients: int = typer.Option(DEFAULT_MAX_RECIPIENTS, "--max-recipients",
                                            help="Skip mail sent to more people than this.")
         ) -> None:
    """Capture mail files: one `emailed` interaction per contact, day and thread."""
    cli = state(ctx)
    with Meter("messages") as meter:
        report = cli.kb.capture().capture_mail(
            cli.me.id, path, keep_subjects=subjects, max_recipients=max_recipients,
            counted=meter.expect, progress=meter.count)
    print_report(cli.console, report)


def print_report(out: Console, report: CaptureReport | MeetingReport | SyncReport) -> None:
    for line in report.lines():
        out.print(escape(line), soft_wrap=True)
    for warning in report.warnings:
        out.print(f"warning: {escape(warning)}", soft_wrap=True)


add_app = typer.Typer(help="Add a source: a mail account (imap) or a calendar (caldav, ics).",
                      no_args_is_help=True)
capture_app.add_typer(add_app, name="add")


@add_app.command("imap")
def add_imap(ctx: typer.Context,
             host: str = typer.Option(..., "--host", help="The IMAP server "
                                      "(imap.example.org)."),
             user: str = typer.Option(..., "--user", help="The account's user name."),
             password_file: Path | None = typer.Option(
                 None, "--password-file", help="Read the password (or app password) from this "
                 "file instead of asking."),
             port: int | None = typer.Option(None, "--port", help="993 for TLS, 143 for "
                                             "STARTTLS unless given."),
             security: Security = typer.Option(Security.TLS, "--security",
                                               help="tls, starttls, or plain (a server on "
                                                    "this machine only)."),
             folder: list[str] = typer.Option([], "--folder", help="Read only this folder "
                                              "(repeatable; default: every mail folder)."),
             subjects: bool = typer.Option(False, "--keep-subjects",
                                           help="Keep each thread's subject as the note."),
             name: str | None = typer.Option(None, "--name", help="What to call this source."),
             ) -> None:
    """Add an IMAP account; it is signed in to once now, and its password kept encrypted."""
    cli = state(ctx)
    password = read_password(password_file)
    source = cli.kb.capture().add_imap(cli.me.id, host=host, username=user, password=password,
                                       port=port, security=security, folders=tuple(folder),
                                       keep_subjects=subjects, label=name)
    _added(cli.console, source)


def _added(out: Console, source: Source) -> None:
    # The id in brackets is text, not a Rich style: escaped, or Rich swallows it.
    out.print(f"added {escape(source.label)} {escape(f'[{source.id}]')}; run it with "
              "`kithbook capture run`.", soft_wrap=True)


def read_password(password_file: Path | None) -> str:
    if password_file is None:
        return str(typer.prompt("password", hide_input=True))
    try:
        return password_file.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeError):
        raise InvalidInput(f"could not read the password file {password_file}.",
                           field="password") from None


@add_app.command("caldav")
def add_caldav(ctx: typer.Context,
               url: str = typer.Argument(..., help="The CalDAV server's address, or one "
                                         "calendar's (https://dav.example.org/)."),
               user: str = typer.Option(..., "--user", help="The account's user name."),
               password_file: Path | None = typer.Option(
                   None, "--password-file", help="Read the password (or app password) from "
                   "this file instead of asking."),
               calendar: list[str] = typer.Option([], "--calendar", help="Read only the "
                                                  "calendar with this name (repeatable; "
                                                  "default: every calendar)."),
               subjects: bool = typer.Option(False, "--keep-subjects",
                                             help="Keep each meeting's title as the note."),
               name: str | None = typer.Option(None, "--name", help="What to call it."),
               ) -> None:
    """Add a CalDAV calendar; it is signed in to once now, and its password kept
    encrypted. Meetings with people in your book become `met`."""
    cli = state(ctx)
    source = cli.kb.capture().add_caldav(cli.me.id, url=url, username=user,
                                         password=read_password(password_file),
                                         calendars=tuple(calendar), keep_subjects=subjects,
                                         label=name)
    _added(cli.console, source)


@add_app.command("ics")
def add_ics(ctx: typer.Context,
            url: str = typer.Argument(..., help="The calendar's address (https:// or "
                                      "webcal://), from its sharing settings."),
            name: str | None = typer.Option(None, "--name", help="What to call it."),
            subjects: bool = typer.Option(False, "--keep-subjects",
                                          help="Keep each meeting's title as the note.")
            ) -> None:
    """Subscribe to a calendar: meetings with people in your book become `met`."""
    cli = state(ctx)
    source = cli.kb.capture().add_ics(cli.me.id, url, label=name, keep_subjects=subjects)
    _added(cli.console, source)


@capture_app.command("run")
def run(ctx: typer.Context,
        source: str | None = typer.Argument(None, help="Run only this source (id or name).")
        ) -> None:
    """Run your sources now: only what is new since the last run is read."""
    cli = state(ctx)
    with Meter("messages") as meter:
        outcomes = cli.kb.capture().run(
            cli.me.id, source, progress=meter.count,
            counted=lambda found, total: meter.expect(total, found.label[:40]))
    if not outcomes:
        cli.console.print("no sources yet; `kithbook capture add imap` or "
                          "`kithbook capture mail PATH` adds one.")
    failed = 0
    for outcome in outcomes:
        if outcome.report is not None:
            print_report(cli.console, outcome.report)
        else:
            failed += 1
            meter.err.print(f"[bold red]error:[/] {escape(outcome.source.label)}: "
                      f"{escape(outcome.error or '')}")
    if failed:
        raise typer.Exit(1 if failed < len(outcomes) else 2)


@capture_app.command("test")
def test_connection(ctx: typer.Context,
                    source: str = typer.Argument(..., help="The source's id or name.")) -> None:
    """Sign in to a mail account or a CalDAV calendar and list what it would read."""
    cli = state(ctx)
    book = cli.kb.capture()
    found = book.source(cli.me.id, source)
    names = book.check_source(cli.me.id, source)
    what = "calendars" if found.kind.is_calendar else "folders"
    cli.console.print(f"signed in; {len(names)} {what}: "
                      + ", ".join(escape(f) for f in names), soft_wrap=True)


@capture_app.command("new-key")
def new_key_command() -> None:
    """Print a new key for KITHBOOK_CAPTURE_KEY_FILE (keep it only where the server runs)."""
    typer.echo(new_key())


@capture_app.command("sources")
def sources(ctx: typer.Context) -> None:
    """List your sources: what each is, when it last ran and how."""
    cli = state(ctx)
    found = cli.kb.capture().sources(cli.me.id)
    if not found:
        cli.console.print("no sources yet; `kithbook capture mail PATH` adds a mail file.")
        return
    table = Table("id", "kind", "name", "last run", "added", "status")
    for s in found:
        table.add_row(s.id, s.kind.words, escape(s.label),
                      s.last_run_at.strftime("%Y-%m-%d %H:%M") if s.last_run_at else "never",
                      "" if s.last_added is None else str(s.last_added), s.status)
    cli.console.print(table)
    for s in found:
        if s.last_error:
            cli.console.print(f"{escape(s.label)} failed: {escape(s.last_error)}",
                              soft_wrap=True)


@capture_app.command("remove")
def remove(ctx: typer.Context,
           source: str = typer.Argument(..., help="The source's id (or its start) or name.")
           ) -> None:
    """Remove a source and every interaction it captured."""
    cli = state(ctx)
    removed = cli.kb.capture().remove_source(cli.me.id, source)
    cli.console.print(f"removed {escape(removed.label)} and the {removed.interactions:,} "
                      "interactions it captured.")


@capture_app.command("rule")
def rule(ctx: typer.Context,
         kind: RuleKind = typer.Argument(..., help="own: one of your addresses; allow: "
                                         "always capture; block: never capture."),
         pattern: str = typer.Argument(..., help="An address (dana@acme.org) or a domain "
                                       "(acme.org)."),
         remove: bool = typer.Option(False, "--remove", help="Remove this rule instead.")
         ) -> None:
    """Name your own addresses, and allow or block an address or a domain."""
    cli = state(ctx)
    book = cli.kb.capture()
    if remove:
        book.remove_rule(cli.me.id, pattern)
        cli.console.print(f"removed the rule for {escape(pattern)}.")
        return
    value = book.set_rule(cli.me.id, pattern, kind)
    cli.console.print(f"{kind.value}: {escape(value)}")


@capture_app.command("rules")
def rules(ctx: typer.Context) -> None:
    """List your own addresses and the allow and block lists."""
    cli = state(ctx)
    found = cli.kb.capture().rules(cli.me.id)
    if not found:
        cli.console.print("no rules; `kithbook capture rule own you@example.org` names your "
                          "address.")
    for pattern, kind in found:
        cli.console.print(f"{kind.value:5} {escape(pattern)}")


@capture_app.command("review")
def review(ctx: typer.Context,
           email: str | None = typer.Argument(None, help="Decide about this address."),
           choice: str | None = typer.Argument(None, help="accept, ignore-once or "
                                               "ignore-always."),
           name: str | None = typer.Option(None, "--name",
                                           help="The name to give them when accepting.")
           ) -> None:
    """People you correspond with often who are not in your book; accept or ignore them."""
    cli = state(ctx)
    book = cli.kb.capture()
    if email is None:
        queue = book.review_queue(cli.me.id)
        if not queue:
            cli.console.print("nobody waiting for review.")
            return
        for s in queue:
            cli.console.print(f"{escape(s.email)}: {escape(s.describe())} "
                              f"({s.exchanges} exchanges, last {s.last_on.isoformat()})")
        cli.console.print("decide with `kithbook capture review EMAIL accept|ignore-once|"
                          "ignore-always`.")
        return
    if choice is None:
        raise typer.BadParameter("say accept, ignore-once or ignore-always after the address.")
    decision = book.decide(cli.me.id, email, parse_review_choice(choice), name=name)
    if decision.contact is not None:
        cli.console.print(f"added {escape(decision.contact.name)} to your book with "
                          f"{decision.interactions} emails captured so far.")
    else:
        cli.console.print(f"{escape(decision.email)}: {decision.choice.value.replace('_', ' ')}.")
