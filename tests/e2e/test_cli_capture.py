"""`kithbook capture` on a real SQLite file, from real mail files."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from test_cli import run

from calendar_samples import fill
from dovecot import PASSWORD, USER, running_dovecot
from mail_samples import (
    BODY_SECRET,
    DANA,
    LEE,
    ME,
    ROBIN,
    SUBJECT_SECRET,
    sample_messages,
    write_eml,
    write_maildir,
    write_mbox,
)
from radicale_server import PASSWORD as DAV_PASSWORD
from radicale_server import USER as DAV_USER
from radicale_server import running_radicale


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "book.sqlite"
    assert run(path, "init", "--name", "Sam") == 0
    assert run(path, "add", "Dana Ruiz", "--email", DANA) == 0
    assert run(path, "add", "Lee Chen", "--email", LEE) == 0
    assert run(path, "capture", "rule", "own", ME) == 0
    return path


def _everything(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return repr([list(connection.execute(f'SELECT * FROM "{t}"')) for t in tables])


def test_capture_an_mbox_then_review_and_accept(db: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    mbox = write_mbox(tmp_path / "Takeout.mbox", sample_messages())
    assert run(db, "capture", "mail", str(mbox)) == 0
    out = capsys.readouterr().out
    assert "17 messages read" in out and "5 interactions added" in out
    assert "skipped: a newsletter or mailing list" in out
    assert "kithbook capture review" in out
    assert run(db, "show", "Dana") == 0
    assert "emailed" in capsys.readouterr().out
    # Again: nothing new.
    assert run(db, "capture", "mail", str(mbox)) == 0
    assert "0 interactions added" in capsys.readouterr().out
    assert run(db, "capture", "review") == 0
    out = capsys.readouterr().out
    assert ROBIN in out and "you wrote to Robin Ng 4 times in March 2026" in out
    assert run(db, "capture", "review", ROBIN, "accept") == 0
    assert "added Robin Ng to your book with 4 emails" in capsys.readouterr().out
    assert run(db, "capture", "review") == 0
    assert "nobody waiting" in capsys.readouterr().out
    everything = _everything(db)
    assert BODY_SECRET not in everything and SUBJECT_SECRET not in everything


def test_maildir_and_eml_give_what_the_mbox_gave(db: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    messages = sample_messages()
    assert run(db, "capture", "mail", str(write_maildir(tmp_path / "md", messages))) == 0
    assert "5 interactions added" in capsys.readouterr().out
    # The same mail through other files is the same history: nothing more.
    assert run(db, "capture", "mail", str(write_eml(tmp_path / "eml", messages))) == 0
    assert "0 interactions added" in capsys.readouterr().out
    assert run(db, "capture", "mail", str(write_mbox(tmp_path / "a.mbox", messages))) == 0
    assert "0 interactions added" in capsys.readouterr().out


def test_sources_list_and_removal_takes_the_history_with_it(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = write_mbox(tmp_path / "a.mbox", sample_messages())
    assert run(db, "capture", "mail", str(mbox), "--keep-subjects") == 0
    assert SUBJECT_SECRET in _everything(db)
    assert run(db, "capture", "sources") == 0
    listed = capsys.readouterr().out
    assert "mail file" in listed and "a.mbox" in listed
    assert run(db, "capture", "remove", str(mbox.resolve())) == 0
    assert "the 5 interactions it captured" in capsys.readouterr().out
    assert run(db, "show", "Dana") == 0
    assert "emailed" not in capsys.readouterr().out
    assert SUBJECT_SECRET not in _everything(db)


def test_bad_input_says_one_thing_and_writes_nothing(db: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = _everything(db)
    (tmp_path / "notes.txt").write_text("hello")
    assert run(db, "capture", "mail", str(tmp_path / "notes.txt")) == 2
    assert run(db, "capture", "mail", str(tmp_path / "nowhere")) == 2
    assert run(db, "capture", "rule", "block", "not a domain") == 2
    assert run(db, "capture", "review", "x@y.org", "maybe") == 2
    assert run(db, "capture", "remove", "nosuchsource") == 2
    err = capsys.readouterr().err
    assert "not an mbox" in err and "no such file" in err and "Traceback" not in err
    assert _everything(db) == before


def test_an_imap_account_added_tested_and_run_from_the_command_line(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    with running_dovecot() as server:
        server.deliver(sample_messages())
        key, secret = tmp_path / "capture.key", tmp_path / "password"
        assert run(db, "capture", "new-key") == 0
        key.write_text(capsys.readouterr().out)
        secret.write_text(PASSWORD + "\n")
        assert run(db, "capture", "add", "imap", "--host", "127.0.0.1", "--user", USER,
                   "--password-file", str(secret), "--port", str(server.port),
                   "--security", "plain") == 2
        assert "KITHBOOK_CAPTURE_KEY_FILE" in capsys.readouterr().err
        monkeypatch.setenv("KITHBOOK_CAPTURE_KEY_FILE", str(key))
        assert run(db, "capture", "add", "imap", "--host", "127.0.0.1", "--user", USER,
                   "--password-file", str(secret), "--port", str(server.port),
                   "--security", "plain", "--name", "home mail") == 0
        added = capsys.readouterr().out
        assert re.search(r"added home mail \[\w+\]; run it", added), added  # its id shown
        assert run(db, "capture", "test", "home mail") == 0
        assert "signed in; 1 folders: INBOX" in capsys.readouterr().out
        assert run(db, "capture", "run") == 0
        assert "5 interactions added" in capsys.readouterr().out
        assert run(db, "capture", "run", "home mail") == 0
        assert "0 messages read" in capsys.readouterr().out
        assert PASSWORD not in _everything(db)
        server.stop()
        assert run(db, "capture", "run") == 2
        assert "home mail: 127.0.0.1:" in capsys.readouterr().err
        assert run(db, "capture", "sources") == 0
        assert "home mail failed: 127.0.0.1:" in capsys.readouterr().out


def test_a_caldav_calendar_added_tested_and_run_from_the_command_line(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    key, secret = tmp_path / "capture.key", tmp_path / "password"
    assert run(db, "capture", "new-key") == 0
    key.write_text(capsys.readouterr().out)
    monkeypatch.setenv("KITHBOOK_CAPTURE_KEY_FILE", str(key))
    with running_radicale() as server:
        fill(server)
        secret.write_text(DAV_PASSWORD + "\n")
        assert run(db, "capture", "add", "caldav", server.url, "--user", DAV_USER,
                   "--password-file", str(secret), "--name", "work calendar") == 0
        assert "added work calendar" in capsys.readouterr().out
        assert run(db, "capture", "test", "work calendar") == 0
        assert "signed in; 1 calendars: work" in capsys.readouterr().out
        assert run(db, "capture", "run", "work calendar") == 0
        # Today is past every meeting of the calendar: lunch with Lee is counted too.
        assert "5 interactions added" in capsys.readouterr().out
        assert run(db, "capture", "run", "work calendar") == 0
        assert "0 meetings read" in capsys.readouterr().out
        assert DAV_PASSWORD not in _everything(db)
        secret.write_text("wrong\n")
        assert run(db, "capture", "add", "caldav", server.url, "--user", DAV_USER,
                   "--password-file", str(secret)) == 2
        err = capsys.readouterr().err
        assert "refused the password for sam" in err and "Traceback" not in err
