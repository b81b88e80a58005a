"""Commands for relationship depth: digest, health, touch, strength, cadence."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kithbook.cli import render
from kithbook.cli.context import CliContext, state
from kithbook.domain.digest import Budget, Digest
from kithbook.domain.errors import InvalidInput
from kithbook.domain.health import HealthReport
from kithbook.domain.keep_in_touch import TouchState
from kithbook.io.charts import health_charts
from kithbook.services.ports import ContactQuery

EMPTY_BOOK = ("Your book is empty. Add people with `kithbook add \"Ada Lovelace\"` and log "
              "what passes between you with `kithbook log Ada met today`; this then shows "
              "who deserves your time.")


def register(app: typer.Typer) -> None:
    app.command()(digest)
    app.command()(health)
    app.command()(touch)
    app.command()(strength)
    app.command()(cadence)


def _empty(cli: CliContext) -> bool:
    return cli.kb.book.list_contacts(cli.me.id, ContactQuery(limit=1)).total == 0


def digest(ctx: typer.Context,
           minutes: int = typer.Option(120, "--minutes", "-m",
                                       help="Time you can give this week, in minutes."),
           items: int = typer.Option(10, "--items", "-n", help="At most this many people.")
           ) -> None:
    """This week's digest: the few relationships that most deserve your time."""
    cli = state(ctx)
    budget = Budget(minutes=minutes, items=items)
    with cli.console.status("weighing every tie…"):
        found = cli.kb.depth.digest(cli.me.id, budget)
    if not found.items and _empty(cli):
        cli.console.print(EMPTY_BOOK)
        return
    _digest(cli.console, found)


def _digest(console: Console, found: Digest) -> None:
    if not found.items:
        console.print(f"Week of {found.week_of.isoformat()}: nothing pressing. A good week to "
                      "share something with someone you have not thought of lately.")
        return
    console.print(f"[bold]Week of {found.week_of.isoformat()}[/]: {len(found.items)} of "
                  f"{found.candidates} people who deserve your time, {found.minutes} of "
                  f"{found.budget.minutes} minutes.")
    for n, item in enumerate(found.items, start=1):
        console.print(f"{n}. [bold]{escape(item.name)}[/] ({item.minutes} min) — "
                      f"{escape(item.reason)}.")
        console.print(f"   Next: {escape(item.step.text)}")
    if found.left_out:
        console.print(f"[dim]{found.left_out} more did not fit this week's budget.[/]")


def health(ctx: typer.Context,
           svg_dir: Path | None = typer.Option(
               None, "--svg-dir", help="Also write the charts as SVG files in this folder.")
           ) -> None:
    """Your networking health: give and take, depth, dormant ties, breadth, growth."""
    cli = state(ctx)
    with cli.console.status("reading your whole book…"):
        report = cli.kb.depth.health(cli.me.id)
    if report.ties == 0:
        cli.console.print(EMPTY_BOOK)
    else:
        _health(cli.console, report)
    if svg_dir is not None:
        try:
            svg_dir.mkdir(parents=True, exist_ok=True)
            written = []
            for name, svg in health_charts(report).items():
                path = svg_dir / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                written.append(path.name)
        except OSError as exc:
            raise InvalidInput(f"cannot write the charts to {str(svg_dir)!r}: "
                               f"{exc.strerror or exc}.", field="svg_dir") from None
        cli.console.print(f"charts written to {escape(str(svg_dir))}: {', '.join(written)}")


def _health(console: Console, report: HealthReport) -> None:
    console.print(f"[bold]Health of your network[/] as of {report.as_of.isoformat()}: "
                  f"{report.ties} ties, {report.interactions} interactions logged.")
    b = report.balance
    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left",
                  title="Give and take")
    for column in ("kind", "you gave", "you received"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind in b.gave:
        table.add_row(kind.value.replace("_", " "), str(b.gave[kind]), str(b.received[kind]))
    table.add_row("[bold]all[/]", str(b.total_gave), str(b.total_received))
    console.print(table)
    console.print("[bold]Depth[/]: " + ", ".join(f"{stage.value} {n}"
                                                 for stage, n in report.stages.items()))
    bins = report.strength_bins
    console.print("[bold]Strength[/]: " + "  ".join(
        f"{i / len(bins):.1f}–{(i + 1) / len(bins):.1f}: {n}" for i, n in enumerate(bins)))
    dormant = report.dormant
    console.print(f"[bold]Dormant[/]: {report.dormant_count} quiet for over 180 days"
                  + (": " + ", ".join(escape(t.name) for t in dormant[:5])
                              + (", …" if report.dormant_count > 5 else "") if dormant
                              else "."))
    for label, d in (("Organizations", report.organizations), ("Roles", report.roles)):
        largest = (f"; largest {escape(d.largest[0])} {d.largest[1]:.0%}" if d.largest
                   else "")
        console.print(f"[bold]{label}[/]: {d.distinct} different; two picked at random "
                      f"differ {d.simpson:.0%} of the time{largest} [dim](Simpson diversity "
                      f"{d.simpson:.2f}, evenness {d.evenness:.2f})[/]")
    months = list(report.interactions_by_month)
    if months:
        console.print("[bold]Growth[/] (new ties / interactions per month): " + ", ".join(
            f"{m} {report.new_ties_by_month[m]}/{report.interactions_by_month[m]}"
            for m in months))
    console.print("[bold]Reflection[/]")
    marks = {True: "[green]+[/]", False: "[red]![/]", None: "·"}
    for observation in report.reflection:
        console.print(f" {marks[observation.healthy]} {escape(observation.text)}")


def touch(ctx: typer.Context,
          limit: int = typer.Option(20, "--limit", min=1, max=1000)) -> None:
    """Who you are losing touch with, the most valuable and most overdue first."""
    cli = state(ctx)
    with cli.console.status("weighing every tie…"):
        lost = cli.kb.depth.losing_touch(cli.me.id, limit=limit)
    if not lost:
        cli.console.print("Nobody is overdue. Set how often to keep in touch with "
                          "`kithbook edit NAME --cadence 30` or, for a whole tag, "
                          "`kithbook cadence --tag investors 30`.")
        return
    _touch(cli.console, lost)


def _touch(console: Console, lost: list[TouchState]) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("id", "name", "strength", "why"):
        table.add_column(column, no_wrap=column != "why")
    for s in lost:
        table.add_row(f"[dim]{s.contact}[/]", escape(s.name), f"{s.worth:.2f}",
                      escape(s.reason))
    console.print(table)


def strength(ctx: typer.Context,
             contact: str = typer.Argument(..., help="Id or part of the name."),
             set_to: float | None = typer.Option(
                 None, "--set", help="Your own reading, 0 to 1; new interactions wear it down."),
             clear: bool = typer.Option(False, "--clear", help="Forget your correction.")
             ) -> None:
    """A tie's strength with its evidence; --set corrects it, --clear forgets that."""
    cli = state(ctx)
    if set_to is not None and clear:
        raise InvalidInput("give either --set or --clear, not both.", field="strength")
    if set_to is not None or clear:
        depth = cli.kb.depth.correct_strength(cli.me.id, contact, set_to)
    else:
        depth = cli.kb.depth.tie_depth(cli.me.id, contact)
    cli.console.print(f"[bold]{escape(depth.tie.name)}[/]  [dim]{depth.tie.contact}[/]")
    render.tie_depth(cli.console, depth)


def cadence(ctx: typer.Context,
            days: int | None = typer.Argument(
                None, min=0, help="Keep in touch every DAYS days (0 removes the cadence)."),
            tag: str | None = typer.Option(None, "--tag", "-t",
                                           help="The tag or group it applies to.")) -> None:
    """Keep-in-touch cadences per tag: set one, or list them all."""
    cli = state(ctx)
    if tag is None and days is not None:
        raise InvalidInput("say which tag: `kithbook cadence --tag investors 30`.",
                           field="tag")
    if tag is not None and days is None:
        raise InvalidInput(f"say how often, in days: `kithbook cadence --tag "
                           f"{tag.strip() or 'investors'} 30` (0 removes it).", field="days")
    if tag is not None and days is not None:
        cadences = cli.kb.depth.set_tag_cadence(cli.me.id, tag, days or None)
    else:
        cadences = cli.kb.depth.tag_cadences(cli.me.id)
    if not cadences:
        cli.console.print("No cadence per tag yet. Set one with "
                          "`kithbook cadence --tag investors 30`.")
        return
    for name, every in cadences.items():
        cli.console.print(f"{escape(name)}: every {every} days")
