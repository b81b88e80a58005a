"""``kithbook trust-eval``: how well each method predicts hidden trust ratings."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kithbook.domain.errors import InvalidInput
from kithbook.lab.trust_eval import Evaluation, evaluate, load_ratings

__all__ = ["register"]


class Split(StrEnum):
    LOO = "loo"
    TIME = "time"


def register(app: typer.Typer) -> None:
    """Add the ``trust-eval`` command to ``app``."""

    @app.command("trust-eval")
    def trust_eval(
        file: Path = typer.Argument(..., help="CSV of source,target,rating,time lines, no header."),
        split: Split = typer.Option(
            Split.LOO,
            "--split",
            help="loo: hide each rating in turn; time: predict the latest 20% from the rest.",
        ),
    ) -> None:
        """Predict hidden ratings with each method and print RMSE and Pearson correlation."""
        console = Console()
        try:
            ratings = load_ratings(file)
            with console.status(f"evaluating on {len(ratings):,} ratings..."):
                result = evaluate(ratings, split.value)
        except InvalidInput as error:
            Console(stderr=True).print(f"[red]error:[/red] {error.message}", highlight=False)
            raise typer.Exit(2) from error
        console.print(_table(result, file))


def _table(result: Evaluation, file: Path) -> Table:
    if result.cut is None:
        caption = f"leave-one-out over {result.predicted:,} ratings"
    else:
        cut = datetime.fromtimestamp(result.cut, UTC).strftime("%Y-%m-%d")
        caption = (
            f"learned from {result.known:,} ratings before {cut}, "
            f"predicted the {result.predicted:,} after"
        )
    table = Table(title=f"{file.name}: {result.members:,} members", caption=caption)
    table.add_column("method")
    table.add_column("RMSE", justify="right")
    table.add_column("PCC", justify="right")
    table.add_column("seconds", justify="right")
    best = min(result.scores, key=lambda score: score.rmse).method
    for score in result.scores:
        style = "bold" if score.method == best else None
        pcc = "n/a" if math.isnan(score.pcc) else f"{score.pcc:+.4f}"  # constant guess
        table.add_row(score.method, f"{score.rmse:.4f}", pcc, f"{score.seconds:.1f}", style=style)
    return table
