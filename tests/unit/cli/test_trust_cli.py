"""``trust-eval`` as a user runs it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from typer.testing import CliRunner

from kithbook.cli.trust import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def version() -> None:  # a second command keeps typer from collapsing to one
        """Print nothing."""

    return app


def _network(path: Path) -> Path:
    rng = np.random.default_rng(1)
    quality = rng.uniform(-1, 1, 40)
    keys = np.unique(rng.integers(0, 1600, 500))
    src, dst = keys // 40, keys % 40
    lines = [
        f"{s},{d},{int(np.clip(round(9 * quality[d] + rng.normal()), -10, 10))},{1e9 + i}"
        for i, (s, d) in enumerate(zip(src, dst, strict=True))
        if s != d
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_trust_eval_prints_every_method(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["trust-eval", str(_network(tmp_path / "n.csv"))])
    assert result.exit_code == 0, result.output
    for method in ("global mean", "rater's mean", "ratee's mean", "fairness/goodness", "kithbook"):
        assert method in result.output
    assert "leave-one-out" in result.output


def test_trust_eval_time_split(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["trust-eval", str(_network(tmp_path / "n.csv")), "--split", "time"]
    )
    assert result.exit_code == 0, result.output
    assert "learned from" in result.output


def test_missing_file_is_a_user_mistake(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["trust-eval", str(tmp_path / "absent.csv")])
    assert result.exit_code == 2
    assert "no ratings file" in result.output
    assert "Traceback" not in result.output
