"""`kithbook feed show|renew` as a person uses it: the address once, and who can read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kithbook.cli import main


def run(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_renew_prints_the_address_once_and_show_explains_it(
        book_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book_file, "feed", "show") == 0
    assert "no calendar feed yet" in capsys.readouterr().out
    assert run(book_file, "feed", "renew", "--alarm", "540") == 0
    out = " ".join(capsys.readouterr().out.split())
    first = next(word for word in out.split() if "/feed/" in word)
    assert first.startswith("http://127.0.0.1:8000/feed/") and first.endswith(".ics")
    assert "Alarm: 540 minutes" in out and "keep it like a password" in out
    assert run(book_file, "feed", "show", "--no-alarm") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert first not in shown and "cannot be shown again" in shown and "No alarm" in shown
    assert run(book_file, "feed", "renew") == 0
    second = next(w for w in capsys.readouterr().out.split() if "/feed/" in w)
    assert second != first


def test_an_alarm_out_of_range_is_a_usage_error(book_file: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book_file, "feed", "renew", "--alarm", "99999") == 2
    assert "--alarm" in capsys.readouterr().err
