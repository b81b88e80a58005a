"""Relationship depth on the command line: digest, health, touch, strength, cadence."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import dump, run


@pytest.fixture
def db(book_file: Path) -> Path:
    return book_file


def said(capsys: pytest.CaptureFixture[str]) -> str:
    """What was printed, with Rich's line wrapping undone."""
    return " ".join(capsys.readouterr().out.split())


@pytest.fixture
def book(db: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(db, "add", "Ada Lovelace", "--org", "Analytical Engines", "--tag", "investors",
               "--trust", "4", "--since", "2024-01-10") == 0
    assert run(db, "add", "Charles Babbage", "--org", "Difference Ltd", "--tag", "alumni") == 0
    assert run(db, "log", "Ada", "advice", "200", "days", "ago", "--received") == 0
    assert run(db, "log", "Ada", "help", "150", "days", "ago", "--received") == 0
    assert run(db, "log", "Ada", "Charles", "met", "120", "days", "ago") == 0
    capsys.readouterr()
    return db


def test_a_new_book_says_what_to_do(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("digest", "health"):
        assert run(db, command) == 0
        assert "Your book is empty" in said(capsys)
    assert run(db, "touch") == 0
    assert "Nobody is overdue" in said(capsys)
    assert run(db, "cadence") == 0
    assert "No cadence per tag yet" in said(capsys)


def test_show_explains_the_tie(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book, "show", "ada") == 0
    out = said(capsys)
    assert "strength 0." in out and "received advice once" in out
    assert "received help once" in out and "you would vouch for them at 4/5" in out
    assert "stage" in out and "next step" in out and "Return the favour" in out
    assert "you gave nothing, they gave twice" in out


def test_a_correction_is_shown_and_cleared(book: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book, "strength", "ada", "--set", "0.9") == 0
    out = said(capsys)
    assert "strength 0.90" in out and "you set it to 0.90" in out
    assert run(book, "strength", "ada") == 0
    assert "it holds until new interactions are logged" in said(capsys)
    assert run(book, "strength", "ada", "--clear") == 0
    assert "you set it" not in said(capsys)


def test_cadence_per_tag_fills_the_losing_touch_list_and_the_digest(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book, "cadence", "--tag", "Investors", "30") == 0
    assert "investors: every 30 days" in said(capsys)
    assert run(book, "touch") == 0
    out = said(capsys)
    assert "Ada Lovelace" in out and "tag 'investors'" in out and "Charles" not in out
    assert run(book, "digest", "--minutes", "60", "--items", "3") == 0
    out = said(capsys)
    assert out.startswith("Week of") and "1. Ada Lovelace" in out and "Next:" in out
    assert run(book, "log", "Ada", "talked", "today") == 0
    capsys.readouterr()
    assert run(book, "touch") == 0
    assert "Nobody is overdue" in said(capsys)
    assert run(book, "cadence", "--tag", "investors", "0") == 0
    assert "No cadence per tag yet" in said(capsys)


def test_health_prints_the_report_and_writes_charts(book: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    charts = tmp_path / "charts"
    assert run(book, "health", "--svg-dir", str(charts)) == 0
    out = said(capsys)
    assert "2 ties, 3 interactions logged" in out
    assert "You take more than you give" in out
    assert sorted(p.name for p in charts.iterdir()) == [
        "balance.svg", "growth.svg", "stages.svg", "strength.svg", "ties.svg"]
    assert (charts / "balance.svg").read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["strength", "ada", "--set", "1.5"], "between 0 and 1"),
        (["strength", "ada", "--set", "0.5", "--clear"], "either --set or --clear"),
        (["strength", "nobody"], "no contact matches 'nobody'"),
        (["cadence", "--tag", "investors", "9999"], "cadence must be between 1 and 3650"),
        (["cadence", "--tag", "investors"], "say how often"),
        (["cadence", "30"], "say which tag"),
        (["digest", "--minutes", "0"], "at least 1 minute"),
        (["digest", "--items", "0"], "at least 1 item"),
    ],
)
def test_depth_mistakes_get_one_line_exit_2_and_change_nothing(
        book: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    before = dump(book)
    assert run(book, *args) == 2
    captured = capsys.readouterr()
    assert message in " ".join(captured.err.split())
    assert "Traceback" not in captured.err + captured.out
    assert dump(book) == before


def test_unwritable_chart_folder_is_a_clear_error(book: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run(book, "health", "--svg-dir", str(blocker)) == 2
    assert "cannot write the charts" in capsys.readouterr().err
