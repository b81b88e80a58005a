"""`kithbook member …` and `kithbook serve --community` refusals, on a real SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kithbook.bootstrap import bootstrap
from kithbook.cli import main
from kithbook.config import Settings, database_url_from

PASSWORD = "lantern orbit velvet"


def test_an_operator_bootstraps_an_admin_and_invites_a_member(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "community.sqlite")
    assert main(["--database", db, "member", "create-admin", "--email", "rae@example.org",
                 "--name", "Rae Admin", "--password", PASSWORD]) == 0
    assert "is an admin" in capsys.readouterr().out
    assert main(["--database", db, "member", "invite", "ana@example.org",
                 "--base-url", "https://kith.example.org/"]) == 0
    link = re.search(r"https://kith\.example\.org/invitations/(\S+)", capsys.readouterr().out)
    assert link
    kb = bootstrap(Settings(database_url=database_url_from(db)))
    try:
        member, _ = kb.accounts.accept_invitation(link.group(1), "Ana", PASSWORD)
        assert member.email == "ana@example.org"
        kb.accounts.log_in("rae@example.org", PASSWORD, "127.0.0.1")
    finally:
        kb.close()


def test_a_weak_admin_password_is_refused_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "community.sqlite")
    assert main(["--database", db, "member", "create-admin", "--email", "rae@example.org",
                 "--name", "Rae", "--password", "password1"]) == 2
    assert capsys.readouterr().err.startswith("error: that password is among")


def test_insecure_dev_serves_this_machine_only(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "community.sqlite")
    assert main(["--database", db, "serve", "--community", "--insecure-dev",
                 "--host", "0.0.0.0"]) == 2
    assert "--insecure-dev" in capsys.readouterr().err
