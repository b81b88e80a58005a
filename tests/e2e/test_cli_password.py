"""`kithbook member set-password`: the operator's way when the reset email cannot reach a
member, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kithbook.bootstrap import bootstrap
from kithbook.cli import main
from kithbook.config import Settings, database_url_from
from kithbook.domain.errors import InvalidInput

PASSWORD = "lantern orbit velvet"
NEW_PASSWORD = "harbour quince mosaic"


def test_the_operator_sets_a_new_password_and_old_sessions_end(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "community.sqlite")
    assert main(["--database", db, "member", "create-admin", "--email", "rae@example.org",
                 "--name", "Rae Admin", "--password", PASSWORD]) == 0
    kb = bootstrap(Settings(database_url=database_url_from(db)))
    try:
        _, session = kb.accounts.log_in("rae@example.org", PASSWORD, "127.0.0.1")
        assert main(["--database", db, "member", "set-password", "RAE@example.org",
                     "--password", NEW_PASSWORD]) == 0
        assert "sessions are signed out" in capsys.readouterr().out
        assert kb.accounts.member_for_session(session) is None
        with pytest.raises(InvalidInput):
            kb.accounts.log_in("rae@example.org", PASSWORD, "127.0.0.1")
        kb.accounts.log_in("rae@example.org", NEW_PASSWORD, "127.0.0.1")
    finally:
        kb.close()


def test_an_unknown_email_or_a_weak_password_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "community.sqlite")
    assert main(["--database", db, "member", "create-admin", "--email", "rae@example.org",
                 "--name", "Rae Admin", "--password", NEW_PASSWORD]) == 0
    capsys.readouterr()
    assert main(["--database", db, "member", "set-password", "zed@example.org",
                 "--password", NEW_PASSWORD]) == 2
    assert capsys.readouterr().err == "error: no account uses zed@example.org.\n"
    assert main(["--database", db, "member", "set-password", "zed@example.org",
                 "--password", "password1"]) == 2
    assert capsys.readouterr().err.startswith("error: that password is among")
