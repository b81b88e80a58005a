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


def test_important_dates_are_set_changed_and_removed_from_the_command_line(
        book_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = book_file
    today = date.today().isoformat()
    assert run(db, "add", "Ada Lovelace") == 0
    assert run(db, "date", "Ada", "birthday", "0001-01-01") == 0
    assert run(db, "date", "Ada", "Name day", "02-29") == 0
    assert run(db, "date", "Ada", "anniversary", today) == 0
    assert "birthday 0001-01-01, anniversary " + today + ", Name day 02-29 (year unknown)" \
        in _said(capsys)
    assert run(db, "date", "Ada", "Saint's day", "07-26", "--replacing", "name day") == 0
    assert run(db, "undate", "Ada", "anniversary") == 0
    assert run(db, "show", "Ada") == 0
    assert "birthday 0001-01-01, Saint's day 07-26 (year unknown)" in _said(capsys)

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for args, says in ((["date", "Ada", "birthday", tomorrow], "after today"),
                       (["date", "Ada", "birthday", "2023-02-29"], "not a day of the calendar"),
                       (["date", "Ada", "other", "2020-01-01"], "say which date"),
                       (["date", "Ada", "birthday", "May 10"], "write it like 1815-12-10"),
                       (["undate", "Ada", "wedding"], "has no date named 'wedding'"),
                       (["date", "Nobody", "birthday", "2000-01-01"], "Nobody")):
        capsys.readouterr()
        assert run(db, *args) == 2, args
        err = " ".join(capsys.readouterr().err.split())
        assert err.startswith("error: ") and says in err, (args, err)
    assert run(db, "show", "Ada") == 0
    assert "birthday 0001-01-01, Saint's day 07-26" in _said(capsys)


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    """What the command printed, with the console's line breaks undone."""
    return " ".join(capsys.readouterr().out.split())
