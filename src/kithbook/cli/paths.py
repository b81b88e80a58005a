"""`kithbook path` and `kithbook knows`: warm paths, and who knows whom in your book.

`path --to NAME` or `path --org X [--role Y] [--location Z] [--tag T]` prints the best
paths with why each ranks where it does, and the command that starts the introduction.
`knows A B` records that two of your contacts know each other; local paths go through it.
`profile --org X --title Y` sets what other members of a community find you by.
"""

from __future__ import annotations

import typer
from rich.markup import escape

from kithbook.cli.context import state
from kithbook.domain.errors import InvalidInput
from kithbook.graph.paths import DEFAULT_K
from kithbook.services.paths import FoundPath, PathQuery


def register(app: typer.Typer) -> None:
    app.command("path")(path)
    app.command("knows")(knows)
    app.command("profile")(profile)


def path(ctx: typer.Context,
         to: str | None = typer.Option(None, "--to", help="Someone by name."),
         organization: str | None = typer.Option(None, "--org", help="Anyone at this "
                                                 "organization."),
         role: str | None = typer.Option(None, "--role", help="… with this role."),
         location: str | None = typer.Option(None, "--location", help="… in this place."),
         tag: str | None = typer.Option(None, "--tag", help="… with this tag."),
         k: int = typer.Option(DEFAULT_K, "-k", help="How many paths, at most.")) -> None:
    """Find warm paths: who can introduce you to someone."""
    cli = state(ctx)
    found = cli.kb.paths.find_paths(cli.me.id, PathQuery(to=to, organization=organization,
                                                         role=role, location=location, tag=tag,
                                                         k=k))
    if found.known_said:
        cli.console.print(f"[bold]{escape(found.known_said)}[/]", highlight=False)
        for person in found.known:
            strength = "" if person.strength is None else f", strength {person.strength:.2f}"
            cli.console.print(f"  {escape(person.headline)}  [dim]{person.stage or ''}"
                              f"{strength}[/]", highlight=False)
        if found.known_total > len(found.known):
            cli.console.print(f"  [dim]… and {found.known_total - len(found.known)} more "
                              "(`kithbook ls`)[/]")
        cli.console.print()
    if not found.paths:
        cli.console.print(escape(found.empty_reason or
                                 f"No warm path to {found.looking_for}."), highlight=False)
        return
    if found.known_said:
        cli.console.print("[bold]Paths to people you do not know yet:[/]")
    for p in found.paths:
        cli.console.print(f"[bold]{escape(' → '.join(['you', *(s.label for s in p.steps)]))}"
                          f"[/]  [dim]score {p.score:.3f}[/]")
        cli.console.print(escape(p.summary), highlight=False)
        cli.console.print(f"[dim]{escape(p.explanation)}[/]", highlight=False)
        cli.console.print(f"[dim]start: {escape(_start(p, found.local))}[/]\n")


def profile(ctx: typer.Context,
            name: str | None = typer.Option(
                None, "--name", help="Your own name, as introductions and drafts sign it."),
            organization: str | None = typer.Option(
                None, "--org", help="Where you work ('' to clear)."),
            title: str | None = typer.Option(
                None, "--title", help="Your role there, e.g. CTO ('' to clear).")) -> None:
    """Show, or change, your name and the organization and title others find you by."""
    cli = state(ctx)
    if name is None and organization is None and title is None:
        shown = cli.kb.accounts.profile(cli.me.id)
    else:
        shown = cli.kb.accounts.set_profile(cli.me.id, name=name, organization=organization,
                                            title=title)
    cli.console.print(f"name: {escape(shown.name)}\n"
                      f"organization: {escape(shown.organization or '—')}\n"
                      f"title: {escape(shown.title or '—')}", highlight=False)
    cli.console.print("[dim]Other members find you by these in `kithbook path --org/--role`.[/]")


def _start(p: FoundPath, local: bool) -> str:
    intro = p.intro
    if local:
        return (f"kithbook intro request --via {intro.introducer_contact} "
                f"--to \"{intro.target_name}\" -p \"…\"")
    return (f"ask {intro.introducer_label} to introduce you to {intro.target_label} "
            f"(introducer {intro.introducer_member}, target {intro.target_handle}: "
            "this search's handle, yours only, for a week)")


def knows(ctx: typer.Context,
          a: str = typer.Argument(..., metavar="A", help="A contact in your book."),
          b: str = typer.Argument(..., metavar="B", help="Another contact who knows them."),
          note: str | None = typer.Option(None, "--note", "-n",
                                          help="How they know each other: \"works with\"."),
          strength: float | None = typer.Option(None, "--strength", help="How well, from "
                                                "above 0 to 1 (default 0.5)."),
          remove: bool = typer.Option(False, "--rm", help="Forget that they know each other.")
          ) -> None:
    """Record that two of your contacts know each other ("Bob works with Carol")."""
    cli = state(ctx)
    if remove:
        if note is not None or strength is not None:
            raise InvalidInput("--rm takes only the two names.", field="rm")
        gone = cli.kb.paths.remove_contact_link(cli.me.id, a, b)
        cli.console.print(f"forgot that {escape(gone.a.name)} and {escape(gone.b.name)} "
                          "know each other")
        return
    link = cli.kb.paths.record_contact_link(cli.me.id, a, b, note=note, strength=strength)
    how = f" ({escape(link.note)})" if link.note else ""
    verb = "recorded" if link.created else "updated"
    cli.console.print(f"{verb}: {escape(link.a.name)} knows {escape(link.b.name)}{how}, "
                      f"strength {link.strength:.2f}")
