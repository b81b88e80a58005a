"""`kithbook knows` and `kithbook path` as a person uses them, on a real SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_cli import dump, run


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "book.sqlite"
    assert run(path, "init", "--name", "Ana Ruiz") == 0
    assert run(path, "add", "Bob Stone", "--trust", "4") == 0
    assert run(path, "add", "Carol Diaz", "--org", "Acme", "--role", "CTO") == 0
    assert run(path, "add", "Dan Ek", "--org", "Globex") == 0
    return path


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().out.split())


def test_record_who_knows_whom_then_find_and_start_an_introduction(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "path", "--to", "Carol Diaz") == 0
    assert "No warm path to Carol Diaz" in out(capsys)
    assert run(db, "knows", "Bob", "Carol", "--note", "works with") == 0
    assert "recorded: Bob Stone knows Carol Diaz (works with), strength 0.50" in out(capsys)
    assert run(db, "path", "--to", "Carol Diaz") == 0
    shown = out(capsys)
    assert "you → Bob Stone → Carol Diaz (CTO, Acme)" in shown
    assert "Bob Stone agrees" in shown and "Weakest link" in shown
    command = re.search(r"kithbook intro request --via (\w+) --to \"Carol Diaz\"", shown)
    assert command is not None
    assert run(db, "intro", "request", "--via", command.group(1), "--to", "Carol Diaz",
               "-p", "Advice on a move to Acme.") == 0
    assert "Ana Ruiz → Bob Stone → Carol Diaz" in out(capsys)


def test_search_by_organization_and_role(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "knows", "Bob", "Carol") == 0
    assert run(db, "knows", "Bob", "Dan") == 0
    capsys.readouterr()
    assert run(db, "path", "--org", "acme", "--role", "cto", "-k", "1") == 0
    shown = out(capsys)
    assert shown.count("#1:") == 1 and "#2:" not in shown
    assert "Carol Diaz" in shown and "Dan Ek" not in shown


def test_forgetting_a_link_removes_the_path(db: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    assert run(db, "knows", "Bob", "Carol") == 0
    assert run(db, "knows", "--rm", "Carol", "Bob") == 0
    assert "forgot that Carol Diaz and Bob Stone know each other" in out(capsys)
    assert run(db, "path", "--to", "Carol") == 0
    assert "No warm path" in out(capsys)


@pytest.mark.parametrize("args", [
    ("path",),
    ("path", "--to", "Carol", "--org", "Acme"),
    ("path", "--to", "Carol", "-k", "0"),
    ("path", "--to", "Nobody Here"),
    ("knows", "Bob", "Bob Stone"),
    ("knows", "Bob", "Zed"),
    ("knows", "Bob", "Carol", "--strength", "2"),
    ("knows", "--rm", "Bob", "Carol"),
    ("knows", "--rm", "Bob", "Carol", "--note", "x"),
])
def test_mistakes_exit_2_and_change_nothing(db: Path, args: tuple[str, ...],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(db)
    assert run(db, *args) == 2
    assert "error:" in capsys.readouterr().err
    assert dump(db) == before


def test_a_member_sets_the_organization_and_title_others_find_them_by(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "profile") == 0
    assert "organization: — title: —" in out(capsys)
    assert run(db, "profile", "--org", "Acme", "--title", "CTO") == 0
    assert "organization: Acme title: CTO" in out(capsys)
    assert run(db, "profile", "--title", "") == 0
    assert "organization: Acme title: —" in out(capsys)
    assert run(db, "profile", "--org", "x" * 201) == 2
    assert run(db, "profile", "--name", "Sam  Rivera") == 0
    assert "name: Sam Rivera organization: Acme title: —" in out(capsys)
    assert run(db, "profile", "--name", " ") == 2
    assert "give your name as others will see it" in capsys.readouterr().err


def test_my_contacts_at_an_organization_are_listed_with_the_books_strength(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for when in ("2026-01-10", "2026-02-10"):
        assert run(db, "log", "Carol", "talked", when) == 0
    assert run(db, "knows", "Bob", "Carol") == 0
    capsys.readouterr()
    assert run(db, "ls", "Carol", "--sort", "strength") == 0
    listed = re.search(r"0\.\d\d", out(capsys))
    assert listed is not None
    assert run(db, "path", "--org", "Acme") == 0
    said = out(capsys)
    assert "You already know 1 person at Acme." in said
    assert f"Carol Diaz (CTO, Acme) contact, strength {listed.group(0)}" in said
    assert "No warm path to anyone with organization Acme" in said
