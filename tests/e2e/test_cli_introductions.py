"""`kithbook intro` and `kithbook policy` as a person uses them, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_cli import dump, run

PURPOSE = "I'd like Cleo's advice on hiring a first data team."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "book.sqlite"
    assert run(path, "init", "--name", "Ana Ruiz") == 0
    assert run(path, "add", "Cleo Park", "--org", "Acme", "-e", "cleo@acme.example") == 0
    assert run(path, "add", "Ben Ortiz", "-e", "ben@example.org", "--trust", "4") == 0
    return path


def newest_id(db: Path) -> str:
    connection = sqlite3.connect(db)
    try:
        row = connection.execute("SELECT id FROM introductions ORDER BY created_at DESC, "
                                 "rowid DESC LIMIT 1").fetchone()
    finally:
        connection.close()
    assert row is not None
    return str(row[0])


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().out.split())


def test_a_request_that_came_by_email_from_ask_to_outcome(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "policy", "set", "Cleo", "--welcomes", "data teams and hiring") == 0
    assert run(db, "intro", "request", "--from", "Dina Kovacs", "--email", "dina@example.org",
               "--to", "Cleo", "-p", PURPOSE) == 0
    assert "Dina Kovacs → Ana Ruiz → Cleo Park" in out(capsys)
    intro = newest_id(db)
    assert run(db, "intro", "brief", intro) == 0
    shown = out(capsys)
    assert "Request from Dina Kovacs to meet Cleo Park" in shown
    assert "Recommendation:" in shown and 'welcomes: "data teams and hiring"' in shown
    assert run(db, "intro", "draft", intro) == 0
    assert "Would you like to meet Dina Kovacs?" in out(capsys)
    assert run(db, "intro", "forward", intro, "-n", "asking Cleo") == 0
    assert run(db, "intro", "make", intro, "-n", "she said yes by phone") == 0
    assert "(made)" in out(capsys)
    assert run(db, "intro", "outcome", intro, "good", "--party", "target", "-c", "great") == 0
    assert run(db, "intro", "draft", intro, "introduction") == 0
    assert "Cleo, meet Dina Kovacs" in out(capsys)
    assert run(db, "intro", "show", intro) == 0
    shown = out(capsys)
    assert "recorded by Ana Ruiz for Dina Kovacs" in shown
    assert "recorded by Ana Ruiz for Cleo Park" in shown
    assert "outcome for the target: positive great" in shown
    assert run(db, "intro", "list", "--inbox") == 0
    assert intro in out(capsys)


def test_an_introduction_asked_of_a_contact(db: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "intro", "request", "--via", "Ben", "--to", "Zoe Quinn", "--email",
               "zoe@example.org", "-p", "Zoe's view on climate policy work in Lisbon.") == 0
    intro = newest_id(db)
    assert run(db, "intro", "forward", intro) == 0
    assert run(db, "intro", "accept", intro) == 0
    assert run(db, "intro", "outcome", intro, "positive", "--party", "requester") == 0
    assert run(db, "intro", "list", "--outbox") == 0
    listed = out(capsys)
    assert intro in listed and "Zoe Quinn" in listed
    assert run(db, "intro", "list", "--inbox") == 0
    assert "No introductions yet" in out(capsys)


def test_a_declined_request_keeps_its_reason_for_me(db: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "intro", "request", "--from", "Dina", "--to", "Cleo", "-p", PURPOSE) == 0
    intro = newest_id(db)
    assert run(db, "intro", "decline", intro, "--reason", "Cleo is swamped") == 0
    assert run(db, "intro", "show", intro) == 0
    assert "private reason: Cleo is swamped" in out(capsys)


def test_policies_show_where_they_come_from(db: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "policy", "show") == 0
    assert "visible hidden" in out(capsys)
    assert run(db, "policy", "set", "--visibility", "anonymous", "--min-trust", "4") == 0
    assert "members you trust at 4 or more" in out(capsys)
    assert run(db, "policy", "show", "Cleo") == 0
    assert "following your defaults" in out(capsys)
    assert run(db, "policy", "set", "Cleo", "--no-intros") == 0
    assert run(db, "policy", "show", "Cleo") == 0
    shown = out(capsys)
    assert "following this contact's own rule" in shown and "no introductions" in shown
    assert run(db, "policy", "set", "Cleo", "--follow-defaults") == 0
    assert "following your defaults" in out(capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["intro", "request", "--to", "Cleo", "-p", "x"], "say who asks whom"),
        (["intro", "request", "--from", "D", "--via", "Ben", "--to", "Cleo", "-p", "x"],
         "say who asks whom"),
        (["intro", "request", "--from", "Dina", "--to", "Nobody", "-p", "x"],
         "no contact matches 'Nobody'"),
        (["intro", "request", "--from", "Dina", "--to", "Cleo", "-p", "  "],
         "the purpose cannot be empty"),
        (["intro", "forward", "zzzzzzzzzzzz"], "no introduction request zzzzzzzzzzzz"),
        (["intro", "accept", "{id}"], "cannot accept this request: it is waiting for the "
                                      "introducer"),
        (["intro", "outcome", "{id}", "great"], "unknown outcome 'great'"),
        (["intro", "draft", "{id}", "introduction"], "has not agreed yet"),
        (["intro", "list", "--inbox", "--outbox"], "choose --inbox or --outbox"),
        (["policy", "set"], "nothing to change"),
        (["policy", "set", "--no-intros"], "belong to one contact"),
        (["policy", "set", "Cleo", "--ask", "anyone", "--min-trust", "3"],
         "only applies to the asking rule 'trusted'"),
        (["policy", "set", "Cleo", "--visibility", "secret"], "unknown visibility 'secret'"),
        (["policy", "set", "--follow-defaults"], "applies to a contact"),
        (["policy", "show", "Nobody"], "no contact matches 'Nobody'"),
    ],
)
def test_mistakes_get_one_line_exit_2_and_change_nothing(
        db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert run(db, "intro", "request", "--from", "Dina", "--to", "Cleo", "-p", PURPOSE) == 0
    intro = newest_id(db)
    before = dump(db)
    capsys.readouterr()
    assert run(db, *[a.replace("{id}", intro) for a in args]) == 2
    captured = capsys.readouterr()
    assert message in " ".join(captured.err.split())
    assert captured.err.count("error:") == 1
    assert "Traceback" not in captured.err + captured.out
    assert dump(db) == before
