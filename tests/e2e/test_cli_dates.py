"""Dates from 0001-01-01 to today through the command line, as a person uses it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from kithbook.cli import main


def run(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_a_1965_meeting_leaves_every_command_working(
        book_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = book_file
    assert run(db, "add", "Grace Hopper", "--org", "Navy", "--since", "1900-02-28") == 0
    assert run(db, "log", "Grace", "met", "1965-06-01") == 0
    assert "1965-06-01" in capsys.readouterr().out
    assert run(db, "log", "Grace", "help", "0001-01-01") == 0
    assert run(db, "edit", "Grace", "--cadence", "30") == 0

    for command in (["ls"], ["show", "Grace"], ["digest"], ["health"], ["touch"],
                    ["strength", "Grace"], ["search", "Navy"], ["export", "--format", "csv"]):
        assert run(db, *command) == 0, command
    capsys.readouterr()
    assert run(db, "show", "Grace") == 0
    shown = capsys.readouterr().out
    assert "1965-06-01" in shown and "0001-01-01" in shown
    assert run(db, "touch") == 0
    assert "Grace Hopper" in capsys.readouterr().out  # quiet since 1965: due long ago

    # And as its own process, where the traceback once showed.
    done = subprocess.run([sys.executable, "-m", "kithbook", "--database", str(db), "ls"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Grace Hopper" in done.stdout, done.stderr


def test_dates_outside_the_calendar_or_after_today_are_refused_clearly(
        book_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = book_file
    assert run(db, "add", "Grace Hopper") == 0
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for args, says in (
            (["log", "Grace", "met", tomorrow], "in the future"),
            (["log", "Grace", "met", "0000-12-31"], "0001-01-01"),
            (["log", "Grace", "met", "10000-01-01"], "0001-01-01"),
            (["log", "Grace", "met", "3000", "years", "ago"], "0001-01-01"),
            (["edit", "Grace", "--since", tomorrow], "in the future"),
            (["add", "Ada", "--since", tomorrow], "in the future")):
        capsys.readouterr()
        assert run(db, *args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("error: ") and says in err, (args, err)
    assert run(db, "ls") == 0
    listed = capsys.readouterr().out
    assert "Grace Hopper" in listed and "Ada" not in listed
