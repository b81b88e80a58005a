"""How the CLI shows things: Rich tables and panels, escaped against markup in data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kithbook.domain.contacts import Contact
from kithbook.domain.dates import describe_ago
from kithbook.domain.ids import ContactId
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.interactions import Direction, Interaction
from kithbook.services.book import ContactView
from kithbook.services.depth import TieDepth
from kithbook.services.ports import Page
from kithbook.values.normalize import display_phone

_ARROWS = {Direction.GAVE: "→ gave", Direction.RECEIVED: "← received",
           Direction.MUTUAL: "↔"}


def who(contact: Contact) -> str:
    return f"[bold]{escape(contact.headline)}[/]"


def interaction_line(interaction: Interaction, names: Mapping[ContactId, str] | None,
                     about: ContactId | None = None) -> str:
    """One line of a timeline; on `about`'s page, the others present are named."""
    kind = interaction.kind.value.replace("_", " ")
    arrow = _ARROWS[interaction.direction]
    text = f"{interaction.occurred_on.isoformat()}  {kind} {arrow}"
    if names is not None:
        others = sorted(names.get(cid, "someone") for cid in interaction.contact_ids
                        if cid != about)
        if others:
            text += f"  (with {escape(', '.join(others))})"
    if interaction.note:
        text += f"  [dim]{escape(interaction.note)}[/]"
    return text


def contact_page(console: Console, page: Page, today: date, *, ties: bool = False) -> None:
    """The page as a table; `ties` adds each tie's stage and strength (a narrow terminal
    has room for them only when they are what the list is about)."""
    if not page.items:
        if page.total == 0 and page.offset == 0:
            console.print("Nothing here yet. Add someone with "
                          '`kithbook add "Ada Lovelace" --org "Analytical Engines"`, '
                          "or try other search words.")
        else:
            console.print(f"No more contacts: {page.total} in all.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    columns = ["id", "name", "organization", "role", "tags", "last contact", "#"]
    for column in columns + (["stage", "strength"] if ties else []):
        # The id and the name are what a person types next: never wrapped.
        table.add_column(column, no_wrap=column in ("id", "name", "#", "stage", "strength"),
                         justify="right" if column in ("#", "strength") else "left")
    for item in page.items:
        c = item.contact
        row = [f"[dim]{c.id}[/]", escape(c.name), escape(c.organization or ""),
               escape(c.role or ""), escape(", ".join(c.tags)),
               describe_ago(item.last_interaction, today), str(item.interaction_count)]
        if ties:
            # One word, as `ls --stage` takes it.
            row += [item.stage.name.lower() if item.stage else "",
                    "" if item.strength is None else f"{item.strength:.2f}"]
        table.add_row(*row)
    console.print(table)
    shown_to = page.offset + len(page.items)
    if page.total > len(page.items):
        console.print(f"[dim]{page.offset + 1}–{shown_to} of {page.total}; "
                      f"--offset {shown_to} for more[/]")


def contact_view(console: Console, view: ContactView, depth: TieDepth | None = None) -> None:
    c, tie = view.contact, view.tie
    console.print(f"{who(c)}  [dim]{c.id}[/]")
    rows: list[tuple[str, str]] = [
        ("emails", ", ".join(e.value + (f" ({e.label})" if e.label else "") for e in c.emails)),
        ("phones", ", ".join(display_phone(p.value) + (f" ({p.label})" if p.label else "")
                             for p in c.phones)),
        ("location", c.location or ""), ("links", " ".join(c.links)),
        ("tags", ", ".join(c.tags)), ("how we met", c.how_we_met or ""),
        ("notes", c.notes or ""),
        ("trust", f"{tie.stated_trust}/5" if tie.stated_trust else ""),
        ("keep in touch", f"every {tie.cadence_days} days" if tie.cadence_days else ""),
        ("since", tie.started_on.isoformat() if tie.started_on else ""),
        ("dates", dates_line(view.dates) if view.dates else ""),
    ]
    for label, value in rows:
        if value:
            console.print(f"  [dim]{label:>13}[/]  {escape(value)}")
    if depth is not None:
        console.print()
        tie_depth(console, depth)
    console.print()
    if not view.timeline:
        console.print("  No interactions yet. Log one with "
                      f'`kithbook log "{escape(c.name)}" met today`.')
        return
    console.print(f"  [bold]Timeline[/] ({view.interaction_count} interactions)")
    for interaction in view.timeline:
        # The id is what `kithbook unlog` takes.
        console.print("  " + interaction_line(interaction, view.names, about=c.id)
                      + f"  [dim]{interaction.id}[/]")


def dates_line(dates: Sequence[ImportantDate]) -> str:
    """"birthday 1815-12-10, Name day 05-01 (year unknown)"; "no important dates"."""
    if not dates:
        return "no important dates"
    return ", ".join(f"{d.what} {d.shown}" for d in dates)


def tie_depth(console: Console, depth: TieDepth) -> None:
    """Strength with its evidence, stage, next step and give-and-take, indented."""
    first, *rest = depth.explanation
    console.print(f"  [bold]{escape(first)}[/]")
    for line in rest:
        console.print(f"    [dim]{escape(line)}[/]")
    stage = depth.stage
    needs = (f"; for {stage.next_stage.value}: {'; '.join(stage.missing)}"
             if stage.next_stage else "")
    console.print(f"  [dim]{'stage':>13}[/]  {escape(stage.stage.value + needs)}")
    console.print(f"  [dim]{'next step':>13}[/]  {escape(depth.step.text)}")
    console.print(f"  [dim]{'give and take':>13}[/]  {escape(depth.balance)}")
    if depth.cadence is not None:
        console.print(f"  [dim]{'keep in touch':>13}[/]  every {depth.cadence.days} days "
                      f"({escape(depth.cadence.source)})")
