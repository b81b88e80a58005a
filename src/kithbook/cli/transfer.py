"""Commands that move a book in and out: import, export, duplicates, merge, erase."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from kithbook.cli.context import CliContext, state
from kithbook.cli.progress import Meter
from kithbook.domain.dates import parse_date
from kithbook.domain.duplicates import SINGLE_FIELDS
from kithbook.domain.errors import InvalidInput, NotFound
from kithbook.domain.ids import MemberId
from kithbook.io.detect import Format
from kithbook.services.exports import ExportFormat
from kithbook.services.imports import DuplicateChoice, ImportReport

SHOW = 20  # lines of each kind a report prints
SHOW_WARNINGS = 200
TAKE_HELP = (f"FIELD=CONTACT: take a field ({', '.join(SINGLE_FIELDS)}) from another of the "
             "contacts. Repeatable.")


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command()(export)
    app.command()(duplicates)
    app.command()(merge)
    app.command()(erase)
    app.command("delete-account")(delete_account)


def import_(ctx: typer.Context,
            file: Path = typer.Argument(..., help="The file: LinkedIn Connections.csv or its "
                                        "zip, vCard, Google or Outlook CSV, iCalendar, or a "
                                        "Kithbook JSON export."),
            format: Format | None = typer.Option(None, "--format", "-f",
                                                 help="Read the file as this format "
                                                      "instead of recognizing it."),
            dry_run: bool = typer.Option(False, "--dry-run",
                                         help="Show what would change; write nothing."),
            photos: bool = typer.Option(True, "--photos/--no-photos",
                                        help="Keep the pictures of vCards (JPEG, PNG, GIF "
                                             "or WebP up to 512 KB)."),
            since: str | None = typer.Option(None, "--since",
                                             help="Calendars: import meetings from this day "
                                                  "(YYYY-MM-DD) on; default five years back."),
            duplicates: DuplicateChoice = typer.Option(
                DuplicateChoice.KEEP, "--duplicates",
                help="A record that is likely a contact of your book: keep both, merge it "
                     "into that contact, or skip it."),
            add_person: list[str] | None = typer.Option(
                None, "--add-person", metavar="EMAIL",
                help="Calendars: add this attendee who is not in your book as a contact "
                     "(a dry run lists them). Repeatable.")
            ) -> None:
    """Import a file into your book: all of it, or nothing if any part is wrong."""
    cli = state(ctx)
    if not file.is_file():  # say so before any book is opened or started
        raise InvalidInput(f"{file} is not a file I can read.", field="file")
    cli.allow_new_book()  # an export brings a whole book to a new file, owner and all
    first_day = parse_date(since, today=cli.kb.clock.today(), field="since") if since else None
    found = cli.kb.transfer.file_format(file, format) if file.is_file() else format
    actor = _owner_or_none(cli) if found is Format.KITHBOOK_JSON else cli.me.id
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(f"{'checking' if dry_run else 'importing'} {escape(file.name)}…")
    with Meter("records", err=err) as meter:
        report = cli.kb.transfer.import_file(actor, file, format=format, dry_run=dry_run,
                                             keep_photos=photos, progress=meter.count,
                                             since=first_day, duplicates=duplicates,
                                             add_people=add_person or [])
    _print_report(cli.console, report)


def _owner_or_none(cli: CliContext) -> MemberId | None:
    try:
        return cli.kb.book.local_member().id
    except NotFound:
        return None


def _print_report(out: Console, report: ImportReport) -> None:
    verb = "would add" if report.dry_run else "added"
    parts = []
    if report.member_created:
        parts.append("the account in the export")
    if report.contacts_added or report.format is not Format.ICS:
        parts.append(f"{report.contacts_added:,} contacts")
    if report.interactions_added or report.format in (Format.ICS, Format.KITHBOOK_JSON):
        parts.append(f"{report.interactions_added:,} interactions")
    out.print(f"{escape(report.name)} ({report.format.value}): {verb} {', '.join(parts)}.")
    if report.contacts_unchanged:
        out.print(f"{report.contacts_unchanged:,} contacts already in your book as they are; "
                  "skipped.")
    if report.events_already_imported:
        out.print(f"{report.events_already_imported:,} events imported before; skipped.")
    if report.events_without_contacts:
        out.print(f"{report.events_without_contacts:,} events with no one from your book; "
                  "skipped.")
    if report.photos_kept or report.photos_not_kept:
        left_out = (f", {report.photos_not_kept:,} left out (see the warnings)"
                    if report.photos_not_kept else "")
        out.print(f"photos: {report.photos_kept:,} {'to keep' if report.dry_run else 'kept'}"
                  f"{left_out}.")
    if report.dry_run:
        for name in report.new_names[:SHOW]:
            out.print(f"  + {escape(name)}")
        for event in report.events[:SHOW]:
            out.print(f"  + {event.occurred_on.isoformat()} met {escape(', '.join(event.people))}"
                      + (f" — {escape(event.summary)}" if event.summary else ""))
    if report.duplicate_count:
        _print_duplicates(out, report)
    if report.new_people_count:
        _print_new_people(out, report)
    if report.warning_count:
        out.print(f"{report.warning_count:,} warnings (imported as described; check these "
                  "contacts):")
        for warning in report.warnings[:SHOW_WARNINGS]:
            out.print(f"  {escape(str(warning))}")
        if report.warning_count > SHOW_WARNINGS:
            out.print(f"  … and {report.warning_count - SHOW_WARNINGS:,} more; "
                      "the web import page lists them all.")
    if report.dry_run:
        out.print("Nothing was written (dry run).")


_DONE = {DuplicateChoice.MERGE: ("merged into", "would merge into"),
         DuplicateChoice.KEEP: ("kept beside", "would keep beside"),
         DuplicateChoice.SKIP: ("skipped, like", "would skip, like")}


def _print_duplicates(out: Console, report: ImportReport) -> None:
    merged = f", {report.contacts_merged:,} merged" if report.contacts_merged else ""
    skipped = f", {report.contacts_skipped:,} skipped" if report.contacts_skipped else ""
    out.print(f"{report.duplicate_count:,} likely duplicates{merged}{skipped}:")
    for dup in report.duplicate_records[:SHOW]:
        first = next((m for m in dup.matches if m.other == dup.into), dup.matches[0])
        done = _DONE[dup.choice][report.dry_run]
        out.print(f"  {escape(dup.where)}: {escape(dup.name)} {done} "
                  f"{escape(first.other_name)} [dim]{first.other}[/] "
                  f"({escape('; '.join(first.reasons))})")
    if not report.duplicate_records:  # a JSON export: its records are all added
        for pair in report.duplicates[:SHOW]:
            out.print(f"  {escape(pair.where)}: {escape(pair.name)} ~ "
                      f"{escape(pair.other_name)} [dim]{pair.other}[/] "
                      f"({escape('; '.join(pair.reasons))})")
    out.print("Choose with --duplicates merge|keep|skip; see those in your book with "
              "`kithbook duplicates`, merge with `kithbook merge`.")


def _print_new_people(out: Console, report: ImportReport) -> None:
    out.print(f"{report.new_people_count:,} people in these events are not in your book:")
    for person in report.new_people[:SHOW]:
        added = (" — would be added" if report.dry_run else " — added") if person.added else ""
        name = f"{escape(person.name)} " if person.name else ""
        events = f"{person.events} event{'s' if person.events != 1 else ''}"
        out.print(f"  {name}<{escape(person.email)}>: {events}, last "
                  f"{person.last_on.isoformat()}{added}")
    if not any(p.added for p in report.new_people):
        out.print("Add the ones you know with --add-person EMAIL (nobody is added unasked).")


def export(ctx: typer.Context,
           format: ExportFormat = typer.Option(ExportFormat.JSON, "--format", "-f",
                                               help="json: everything; vcard or csv: contacts."),
           output: Path | None = typer.Option(None, "--output", "-o",
                                              help="Write to this file (default: stdout).")
           ) -> None:
    """Export your book: JSON (everything, re-importable), vCard 4.0 or CSV."""
    cli = state(ctx)
    if output is None:
        cli.kb.transfer.export_book(cli.me.id, format, sys.stdout)
        sys.stdout.flush()
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        count = cli.kb.transfer.export_book(cli.me.id, format, out)
    partial.replace(output)  # a failed export never leaves half a file under the name
    Console(stderr=True).print(f"exported {count:,} contacts to {escape(str(output))}")


def duplicates(ctx: typer.Context) -> None:
    """List contacts that are likely the same person, with the reasons."""
    cli = state(ctx)
    found = cli.kb.transfer.list_duplicates(cli.me.id)
    if not found:
        cli.console.print("No likely duplicates in your book.")
        return
    for number, group in enumerate(found, 1):
        cli.console.print(f"[bold]{number}.[/]")
        for contact in group.contacts:
            cli.console.print(f"   {contact.id}  {escape(contact.headline)}")
        for evidence in group.evidence:
            cli.console.print(f"   [dim]{evidence.reason.value}: {escape(evidence.detail)}[/]")
    cli.console.print(f"{len(found)} sets. Merge one with `kithbook merge KEEP OTHER…`.")


def merge(ctx: typer.Context,
          keep: str = typer.Argument(..., help="The contact to keep (id or name)."),
          others: list[str] = typer.Argument(..., help="Contacts to merge into it."),
          take: list[str] | None = typer.Option(
              None, "--take", help=TAKE_HELP)) -> None:
    """Merge contacts into one; every interaction moves to the contact kept."""
    cli = state(ctx)
    choices: dict[str, str] = {}
    for item in take or []:
        name, sep, ref = item.partition("=")
        if not sep or not ref.strip():
            raise InvalidInput(f"--take {item!r}: write FIELD=CONTACT, like "
                               "--take role=k3j9.", field="take")
        choices[name.strip()] = ref.strip()
    result = cli.kb.transfer.merge_contacts(cli.me.id, keep, others, take=choices)
    names = ", ".join(c.name for c in result.absorbed)
    cli.console.print(f"merged {escape(names)} into [bold]{escape(result.contact.headline)}[/] "
                      f"[dim]{result.contact.id}[/]: {result.interactions_moved} interactions "
                      f"moved, {result.interaction_count} in all.")
    cli.console.print(f"[dim]Changed your mind? `kithbook undo {result.undo_id}`.[/]")


def erase(ctx: typer.Context,
          email: str | None = typer.Option(None, "--email", help="Their email address."),
          phone: str | None = typer.Option(None, "--phone", help="Their phone number."),
          yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
          ) -> None:
    """Erase a person from your book, by email or phone, and say what was removed."""
    cli = state(ctx)
    if (email is None) == (phone is None):
        raise InvalidInput("give one of --email or --phone.", field="email")
    if not yes:
        typer.confirm(f"Erase everyone in your book with {email or phone}, and their history?",
                      abort=True)
    report = cli.kb.transfer.erase_person(cli.me.id, email=email, phone=phone)
    if not report.contacts:
        cli.console.print(f"Nothing in your book holds {escape(report.matched)}.")
        return
    cli.console.print(f"erased {len(report.contacts)} contacts holding "
                      f"{escape(report.matched)}:")
    for line in report.contacts:
        cli.console.print(f"  - {escape(line)}")
    cli.console.print(f"{report.interactions_removed} interactions removed; "
                      f"{report.interactions_kept} shared with others kept without them.")


def delete_account(ctx: typer.Context,
                   yes: bool = typer.Option(False, "--yes",
                                            help="Confirm: this cannot be undone.")) -> None:
    """Delete your account and everything in your book."""
    cli = state(ctx)
    if not yes:
        raise InvalidInput("this deletes your whole book and cannot be undone; export it "
                           "first (`kithbook export -o book.json`), then add --yes.",
                           field="yes")
    report = cli.kb.transfer.delete_account(cli.me.id)
    cli.console.print(f"deleted the account of {escape(report.member)}: {report.contacts:,} "
                      f"contacts and {report.interactions:,} interactions.")
