"""Commands for the book: add, edit, rm, log, unlog, show, ls, search."""

from __future__ import annotations

from datetime import date

import typer
from rich.markup import escape

from kithbook.cli import render
from kithbook.cli.context import state
from kithbook.domain.contacts import ContactFields
from kithbook.domain.dates import parse_date
from kithbook.domain.errors import InvalidInput
from kithbook.domain.interactions import parse_direction, parse_kind
from kithbook.domain.ties import Stage, StageKey
from kithbook.services.book import UNSET, InteractionChange, TieFields, labeled
from kithbook.services.ports import ContactQuery, Sort

EMAIL = typer.Option(None, "--email", "-e", help="Email, repeatable; label as work:ada@x.org.")
PHONE = typer.Option(None, "--phone", "-p", help="Phone, repeatable; label as mobile:+1 202….")
LINK = typer.Option(None, "--link", help="A web link (profile, site), repeatable.")
TAG = typer.Option(None, "--tag", "-t", help="A tag, repeatable.")
ORG = typer.Option(None, "--org", "-o", help="Organization.")
ROLE = typer.Option(None, "--role", "-r", help="Role or title.")
LOCATION = typer.Option(None, "--location", "-l", help="City or place.")
MET = typer.Option(None, "--how-we-met", "-m", help="How you met.")
NOTES = typer.Option(None, "--notes", "-n", help="Notes.")
TRUST = typer.Option(None, "--trust", min=0, max=5,
                     help="How readily you would vouch for them, 1-5 (0 clears).")
CADENCE = typer.Option(None, "--cadence", min=0,
                       help="Keep in touch every N days (0 clears).")
SINCE = typer.Option(None, "--since", help="When the relationship began (e.g. 2024-05-01).")


def register(app: typer.Typer) -> None:
    app.command()(add)
    app.command()(edit)
    app.command("rm")(remove)
    app.command()(log)
    app.command()(unlog)
    app.command("edit-log")(edit_log)
    app.command()(undo)
    app.command()(show)
    app.command("ls")(list_)
    app.command()(search)


def _fields(name: str | None, email: list[str] | None, phone: list[str] | None,
            link: list[str] | None, tag: list[str] | None, org: str | None, role: str | None,
            location: str | None, how_we_met: str | None, notes: str | None) -> ContactFields:
    return ContactFields(name=name, emails=labeled(email or None),
                         phones=labeled(phone or None), links=link or None, tags=tag or None,
                         organization=org, role=role, location=location,
                         how_we_met=how_we_met, notes=notes)


def _tie(trust: int | None, cadence: int | None, since: str | None) -> TieFields:
    today = date.today()
    return TieFields(
        stated_trust=UNSET if trust is None else (trust or None),
        cadence_days=UNSET if cadence is None else (cadence or None),
        started_on=parse_date(since, today=today, field="since") if since else None,
    )


def add(ctx: typer.Context, name: str = typer.Argument(..., help="Full name."),
        email: list[str] | None = EMAIL, phone: list[str] | None = PHONE,
        link: list[str] | None = LINK, tag: list[str] | None = TAG, org: str | None = ORG,
        role: str | None = ROLE, location: str | None = LOCATION,
        how_we_met: str | None = MET, notes: str | None = NOTES, trust: int | None = TRUST,
        cadence: int | None = CADENCE, since: str | None = SINCE) -> None:
    """Add a contact to your book."""
    cli = state(ctx)
    tie = _tie(trust, cadence, since)
    contact = cli.kb.book.add_contact(cli.me.id, _fields(name, email, phone, link, tag, org, role,
                                                         location, how_we_met, notes), tie)
    cli.console.print(f"added {render.who(contact)} [dim]{contact.id}[/]")


def edit(ctx: typer.Context, contact: str = typer.Argument(..., help="Id or part of the name."),
         name: str | None = typer.Option(None, "--name", help="New full name."),
         email: list[str] | None = EMAIL, phone: list[str] | None = PHONE,
         link: list[str] | None = LINK, tag: list[str] | None = TAG, org: str | None = ORG,
         role: str | None = ROLE, location: str | None = LOCATION,
         how_we_met: str | None = MET, notes: str | None = NOTES, trust: int | None = TRUST,
         cadence: int | None = CADENCE, since: str | None = SINCE) -> None:
    """Change a contact. Lists given (--email, --tag, …) replace the stored ones."""
    cli = state(ctx)
    fields = _fields(name, email, phone, link, tag, org, role, location, how_we_met, notes)
    tie = _tie(trust, cadence, since)
    if fields == ContactFields() and tie == TieFields():
        raise InvalidInput("nothing to change: give at least one option, e.g. --role CTO.")
    updated = cli.kb.book.edit_contact(cli.me.id, contact, fields, tie)
    cli.console.print(f"updated {render.who(updated)}")


def remove(ctx: typer.Context,
           contact: str = typer.Argument(..., help="Id or part of the name."),
           yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")
           ) -> None:
    """Remove a contact, with the interactions that involved only them."""
    cli = state(ctx)
    if not yes:
        view = cli.kb.book.show_contact(cli.me.id, contact)
        typer.confirm(f"Remove {view.contact.headline} and {view.interaction_count} "
                      "interaction(s) with them?", abort=True)
        contact = view.contact.id
    removed = cli.kb.book.delete_contact(cli.me.id, contact)
    orphans = removed.orphans
    cli.console.print(f"removed {render.who(removed.contact)}"
                      + (f" and {orphans} interaction(s) with only them" if orphans else ""))
    cli.console.print(f"[dim]Changed your mind? `kithbook undo {removed.undo_id}`.[/]")


def log(ctx: typer.Context,
        words: list[str] = typer.Argument(
            ..., metavar="CONTACT... KIND [WHEN]",
            help="Who, what kind (met, talked, knowledge_shared, resource_shared, "
                 "contact_shared, advice, help, note) and when (default today)."),
        gave: bool = typer.Option(False, "--gave", help="You gave (advice, help, …)."),
        received: bool = typer.Option(False, "--received", help="You received it."),
        with_: list[str] | None = typer.Option(None, "--with", "-w",
                                               help="Another contact who took part."),
        note: str | None = typer.Option(None, "--note", "-n", help="What happened.")) -> None:
    """Log an interaction: `kithbook log "Jon Park" advice yesterday --gave`."""
    cli = state(ctx)
    refs, kind_word, when = _split_log_words(words)
    kind = parse_kind(kind_word)
    if gave and received:
        raise InvalidInput("choose --gave or --received, not both (or neither for mutual).")
    direction = parse_direction("gave" if gave else "received" if received else "mutual")
    day = parse_date(when, today=cli.kb.clock.today()) if when else cli.kb.clock.today()
    interaction = cli.kb.book.log_interaction(cli.me.id, refs + list(with_ or []), kind, direction,
                                              day, note)
    cli.console.print(f"logged {render.interaction_line(interaction, None)} "
                      f"[dim]{interaction.id}[/]")


def _split_log_words(words: list[str]) -> tuple[list[str], str, str]:
    """Names come first, then the kind, then when: the first word that is a kind splits them."""
    if len(words) == 1:
        raise InvalidInput("say what happened after the name, e.g. "
                           '`kithbook log "Jon Park" met yesterday`.', field="kind")
    for index in range(1, len(words)):
        try:
            parse_kind(words[index])
        except InvalidInput:
            continue
        return words[:index], words[index], " ".join(words[index + 1:])
    # No known kind: blame the word just before a readable date, else the last word.
    for index in range(1, len(words) - 1):
        try:
            parse_date(" ".join(words[index + 1:]), today=date.today())
        except InvalidInput:
            continue
        return words[:index], words[index], " ".join(words[index + 1:])
    return words[:-1], words[-1], ""


def unlog(ctx: typer.Context,
          interaction: str = typer.Argument(..., help="The interaction's id.")) -> None:
    """Remove a logged interaction."""
    cli = state(ctx)
    removed = cli.kb.book.delete_interaction(cli.me.id, interaction)
    cli.console.print(f"removed {render.interaction_line(removed.interaction, None)}")
    cli.console.print(f"[dim]Changed your mind? `kithbook undo {removed.undo_id}`.[/]")


def edit_log(ctx: typer.Context,
             interaction: str = typer.Argument(..., help="The interaction's id."),
             kind: str | None = typer.Option(None, "--kind", help="What happened instead."),
             on: str | None = typer.Option(None, "--on", help="When it happened instead."),
             gave: bool = typer.Option(False, "--gave", help="You gave."),
             received: bool = typer.Option(False, "--received", help="You received."),
             mutual: bool = typer.Option(False, "--mutual", help="Both gave."),
             with_: list[str] | None = typer.Option(
                 None, "--with", "-w", help="Everyone it involved (replaces the people)."),
             note: str | None = typer.Option(None, "--note", "-n",
                                             help="The note ('' to clear).")) -> None:
    """Change a logged interaction: `kithbook edit-log k3j9 --on 2026-03-01 --gave`."""
    cli = state(ctx)
    if gave + received + mutual > 1:
        raise InvalidInput("choose one of --gave, --received and --mutual.", field="direction")
    direction = "gave" if gave else "received" if received else "mutual" if mutual else None
    change = InteractionChange(
        kind=parse_kind(kind) if kind is not None else None,
        direction=parse_direction(direction) if direction else None,
        occurred_on=parse_date(on, today=cli.kb.clock.today(), field="on") if on else None,
        note=note, contacts=list(with_) if with_ else None)
    edited = cli.kb.book.edit_interaction(cli.me.id, interaction, change)
    cli.console.print(f"now {render.interaction_line(edited, None)} [dim]{edited.id}[/]")


def undo(ctx: typer.Context,
         entry: str | None = typer.Argument(
             None, help="What to undo, as a removal or merge printed it; "
                        "leave out to list what can be undone.")) -> None:
    """Put back a removed interaction or split a merge again (for 30 days)."""
    cli = state(ctx)
    if entry is None:
        entries = cli.kb.book.undoable(cli.me.id)
        if not entries:
            cli.console.print("Nothing to undo.")
        for e in entries:
            cli.console.print(f"[bold]{e.id}[/]  {escape(e.label)}  "
                              f"[dim]{e.created_at:%Y-%m-%d %H:%M}[/]", highlight=False)
        return
    done = cli.kb.book.undo(cli.me.id, entry)
    cli.console.print(f"undone {escape(done.label)}: it is as it was before.", highlight=False)


def show(ctx: typer.Context,
         contact: str = typer.Argument(..., help="Id or part of the name.")) -> None:
    """Show one contact: strength with its evidence, stage, next step, and the timeline."""
    cli = state(ctx)
    view = cli.kb.book.show_contact(cli.me.id, contact)
    render.contact_view(cli.console, view,
                        cli.kb.depth.tie_depth(cli.me.id, view.contact.id, exact=True))


def list_(ctx: typer.Context,
          text: str | None = typer.Argument(None, help="Words to look for (optional)."),
          tag: str | None = typer.Option(None, "--tag", "-t"),
          org: str | None = typer.Option(None, "--org", "-o"),
          role: str | None = typer.Option(None, "--role", "-r"),
          location: str | None = typer.Option(None, "--location", "-l"),
          stage: str | None = typer.Option(
              None, "--stage", metavar="<" + "|".join(StageKey) + ">",
              help="Only ties at this stage (new: a new acquaintance); shows each "
                   "tie's stage and strength."),
          sort: Sort = typer.Option(
              Sort.NAME, "--sort", "-s", case_sensitive=False,
              help="name; recent: last in touch first; added: newest first; "
                   "strength: strongest tie first, with its stage and strength."),
          limit: int = typer.Option(50, "--limit", min=1, max=1000),
          offset: int = typer.Option(0, "--offset", min=0)) -> None:
    """List your book, optionally filtered by words, tag, organization, role, place or stage."""
    cli = state(ctx)
    page = cli.kb.book.list_contacts(cli.me.id, ContactQuery(
        text=text, tag=tag, organization=org, role=role, location=location,
        stage=_stage(stage), sort=sort, limit=limit, offset=offset))
    render.contact_page(cli.console, page, cli.kb.clock.today(),
                        ties=stage is not None or sort is Sort.STRENGTH)


def _stage(text: str | None) -> Stage | None:
    if text is None:
        return None
    try:
        return StageKey(text.strip().lower()).stage
    except ValueError:
        raise InvalidInput(f"no stage {text!r}; choose one of "
                           + ", ".join(StageKey) + ".", field="stage") from None


def search(ctx: typer.Context, text: str = typer.Argument(..., help="Words to look for."),
           limit: int = typer.Option(50, "--limit", min=1, max=1000)) -> None:
    """Search names, organizations, roles, tags, emails and notes."""
    cli = state(ctx)
    page = cli.kb.book.list_contacts(cli.me.id, ContactQuery(text=text, limit=limit))
    render.contact_page(cli.console, page, cli.kb.clock.today())

