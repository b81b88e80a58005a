"""The command line as a person uses it, on a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kithbook.cli import main


@pytest.fixture
def db(book_file: Path) -> Path:
    return book_file


def run(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def dump(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_a_first_session(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "init", "--name", "Sam") == 0
    assert run(db, "add", "Ada Lovelace", "--email", "work:ada@example.org", "--org",
               "Analytical Engines", "--role", "CTO", "--tag", "mentor", "--trust", "4") == 0
    assert run(db, "add", "Charles Babbage", "--org", "Analytical Engines") == 0
    assert run(db, "log", "Ada", "Charles", "met", "3", "days", "ago", "-n", "lab visit") == 0
    assert run(db, "log", "Ada Lovelace", "advice", "yesterday", "--received") == 0
    capsys.readouterr()
    assert run(db, "show", "ada") == 0
    shown = capsys.readouterr().out
    assert "Ada Lovelace (CTO, Analytical Engines)" in shown
    assert "ada@example.org (work)" in shown and "4/5" in shown
    assert "advice ← received" in shown and "(with Charles Babbage)" in shown
    assert run(db, "ls", "--tag", "mentor") == 0
    listed = capsys.readouterr().out
    assert "Ada Lovelace" in listed and "Charles" not in listed
    assert run(db, "search", "analytical") == 0
    assert "Charles Babbage" in capsys.readouterr().out
    assert run(db, "edit", "charles", "--role", "Chair", "--cadence", "30") == 0
    assert run(db, "rm", "charles", "--yes") == 0
    assert "removed Charles Babbage (Chair, Analytical Engines)" in capsys.readouterr().out
    assert run(db, "ls") == 0
    assert "Charles" not in capsys.readouterr().out


def test_empty_book_says_what_to_do(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "ls") == 0
    assert "kithbook add" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "Eve", "--email", "eve@"], "not a valid email address"),
        (["add", "Eve", "--phone", "12"], "not a phone number"),
        (["log", "Ada", "bribe", "today"], "unknown interaction kind 'bribe'"),
        (["log", "Ada", "met", "last", "tuesday"], "cannot read the date 'last tuesday'"),
        (["log", "Nobody", "met"], "no contact matches 'Nobody'"),
        (["log", "Ada", "met", "2099-01-01"], "in the future"),
        (["edit", "Adda", "--role", "CEO"], "Did you mean 'Ada Lovelace'"),
        (["edit", "Ada"], "nothing to change"),
        (["show", "a"], "matches 2 contacts"),
        (["rm", "Nobody", "--yes"], "no contact matches"),
        (["add", "Eve", "--trust", "9"], "Invalid value for '--trust'"),
        (["ls", "--stage", "bff"],
         "no stage 'bff'; choose one of new, contact, relationship, trusted."),
        (["ls", "--sort", "loudest"], "Invalid value for '--sort'"),
    ],
)
def test_mistakes_get_one_line_exit_2_and_change_nothing(
        db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert run(db, "add", "Ada Lovelace", "--org", "Acme") == 0
    assert run(db, "add", "Bea Baker") == 0
    assert run(db, "log", "Ada", "met", "yesterday") == 0
    before = dump(db)
    capsys.readouterr()
    assert run(db, *args) == 2
    captured = capsys.readouterr()
    assert message in " ".join(captured.err.split())
    assert "Traceback" not in captured.err + captured.out
    assert dump(db) == before


def _rows(listed: str) -> list[str]:
    """The names in `ls` output, in order (the table starts each row with an id)."""
    return [line.split()[1] for line in listed.splitlines()
            if line[:1].isalnum() and not line.startswith("id ")]


def test_ls_filters_by_stage_and_sorts_by_strength(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "init", "--name", "Sam") == 0
    assert run(db, "add", "Ada", "--org", "Acme") == 0
    assert run(db, "add", "Zoe", "--org", "Globex", "--trust", "5") == 0
    for days in range(1, 6):
        assert run(db, "log", "Zoe", "advice", f"{days}", "days", "ago", "--received") == 0
    assert run(db, "log", "Ada", "met", "yesterday") == 0
    capsys.readouterr()
    assert run(db, "ls") == 0
    assert _rows(capsys.readouterr().out) == ["Ada", "Zoe"]
    assert run(db, "ls", "--sort", "strength") == 0
    strongest_first = capsys.readouterr().out
    assert _rows(strongest_first) == ["Zoe", "Ada"]
    assert "strength" in strongest_first and "contact" in strongest_first
    assert run(db, "ls", "--stage", "contact") == 0
    assert _rows(capsys.readouterr().out) == ["Zoe"]
    assert run(db, "ls", "--stage", "NEW", "--sort", "strength") == 0
    assert _rows(capsys.readouterr().out) == ["Ada"]
    assert run(db, "ls", "--stage", "trusted") == 0
    assert "Nothing here" in capsys.readouterr().out


def test_an_interaction_shown_on_the_contact_can_be_unlogged_by_its_id(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "init", "--name", "Sam") == 0
    assert run(db, "add", "Ada") == 0
    assert run(db, "log", "Ada", "met", "yesterday", "-n", "first coffee") == 0
    assert run(db, "log", "Ada", "advice", "today", "--received") == 0
    capsys.readouterr()
    assert run(db, "show", "Ada") == 0
    [coffee] = [line for line in capsys.readouterr().out.splitlines() if "first coffee" in line]
    before = dump(db)
    assert run(db, "unlog", coffee.split()[-1]) == 0
    said = capsys.readouterr().out
    assert "removed" in said
    [undo] = re.findall(r"kithbook undo (\w+)", said)
    assert run(db, "show", "Ada") == 0
    shown = capsys.readouterr().out
    assert "first coffee" not in shown and "advice" in shown
    assert run(db, "undo") == 0
    assert f"{undo} the met of" in " ".join(capsys.readouterr().out.split())
    assert run(db, "undo", undo) == 0
    assert "undone the met of" in capsys.readouterr().out
    # The same rows (a row put back is stored after the others, so order aside), but
    # for the counters that tell path searches the network changed, as it did twice.
    def book(lines: list[str]) -> list[str]:
        return sorted(line for line in lines
                      if "undo_entries" not in line and "network_versions" not in line)
    assert book(dump(db)) == book(before)
    assert run(db, "undo", undo) == 2
    assert "undone already" in capsys.readouterr().err


def test_a_logged_interaction_is_edited_by_its_id(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "init", "--name", "Sam") == 0
    assert run(db, "add", "Ada") == 0
    assert run(db, "add", "Charles Babbage") == 0
    assert run(db, "log", "Ada", "met", "yesterday", "-n", "first coffee") == 0
    logged = capsys.readouterr().out.split()[-1]
    assert run(db, "edit-log", logged, "--kind", "advice", "--gave", "--on", "2026-01-05",
               "--with", "Ada", "--with", "Charles", "-n", "") == 0
    now = capsys.readouterr().out
    assert "advice" in now and "2026-01-05" in now and "first coffee" not in now
    assert run(db, "show", "Charles") == 0
    assert "2026-01-05" in capsys.readouterr().out
    before = dump(db)
    assert run(db, "edit-log", logged, "--gave", "--received") == 2
    assert "choose one of" in capsys.readouterr().err
    assert dump(db) == before


def test_unreachable_database_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--database", "postgresql://nobody@127.0.0.1:1/none", "ls"])
    assert code == 2
    assert "cannot open the database" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["ls"], ["add", "Ada Lovelace"], ["db", "upgrade"],
                                  ["backup", "copy.backup"], ["digest"]])
def test_a_mistyped_book_path_is_an_error_not_a_new_empty_book(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert run(db, "init", "--name", "Sam") == 0
    typo = tmp_path / "bok.sqlite"
    capsys.readouterr()
    assert main(["--database", str(typo), *args]) == 2
    err = capsys.readouterr().err
    assert f"no book at {typo}" in err and "init" in err
    assert not typo.exists()


def test_init_and_demo_start_a_book_at_a_new_path(tmp_path: Path) -> None:
    assert main(["--database", str(tmp_path / "a.sqlite"), "init", "--name", "Sam"]) == 0
    assert main(["--database", str(tmp_path / "b.sqlite"), "member", "create-admin",
                 "--email", "rae@example.org", "--name", "Rae",
                 "--password", "a long passphrase of mine"]) == 0
    assert (tmp_path / "a.sqlite").exists() and (tmp_path / "b.sqlite").exists()


def test_installed_command_runs_and_exits_2_on_a_mistake(db: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kithbook", "--database", str(db), "show",
                           "nobody"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr


def test_db_upgrade_reports_the_database(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "db", "upgrade") == 0
    assert "is up to date" in capsys.readouterr().out


def test_demo_builds_a_book_and_refuses_a_second_time(db: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    assert run(db, "demo", "--size", "40", "--seed", "3", "--no-serve") == 0
    assert "built 40 contacts" in capsys.readouterr().out
    with sqlite3.connect(db) as connection:  # a person's name, not the login's ("Root")
        assert connection.execute("SELECT name FROM members").fetchall() == [("Sam Rivera",)]
    before = dump(db)
    assert run(db, "demo", "--size", "40", "--no-serve") == 2
    assert "already has contacts" in capsys.readouterr().err
    assert dump(db) == before


def test_backup_and_restore_commands(db: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "add", "Ada Lovelace") == 0
    backup = tmp_path / "book.backup"
    assert run(db, "backup", str(backup)) == 0
    assert run(db, "add", "Eve Later") == 0
    assert run(db, "restore", str(backup), "--yes") == 0
    capsys.readouterr()
    assert run(db, "ls") == 0
    listed = capsys.readouterr().out
    assert "Ada Lovelace" in listed and "Eve" not in listed
    before = dump(db)
    (tmp_path / "junk").write_text("junk")
    assert run(db, "restore", str(tmp_path / "junk"), "--yes") == 2
    assert "not a Kithbook backup" in capsys.readouterr().err
    assert dump(db) == before
