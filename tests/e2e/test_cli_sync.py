"""`kithbook sync` as a person uses it, against a real Radicale: add an account, sync with
a progress bar, read the conflicts with both values and resolve one; errors in one line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kithbook.cli import main
from kithbook.services.secrets import new_key
from radicale_server import PASSWORD, USER, Radicale, running_radicale

CARD = ("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ada-1\r\nFN:Ada L.\r\n"
        "EMAIL:ada@example.org\r\nCATEGORIES:Mentors\r\nEND:VCARD\r\n")


@pytest.fixture
def server() -> Iterator[Radicale]:
    with running_radicale() as running:
        running.write(running.make_addressbook("contacts") + "ada.vcf", CARD)
        running.make_addressbook("work")
        yield running


def run(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_add_run_conflicts_and_resolve(book_file: Path, server: Radicale, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KITHBOOK_CAPTURE_KEY", new_key())
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n")
    assert run(book_file, "add", "Ada Lovelace", "--email", "ada@example.org") == 0
    assert run(book_file, "sync", "add", "carddav", server.url, "--user", USER,
               "--password-file", str(secret)) == 2
    assert "several address books (contacts, work); choose one with --book" in \
        " ".join(capsys.readouterr().err.split())
    assert run(book_file, "sync", "add", "carddav", server.url, "--user", USER,
               "--password-file", str(secret), "--book", "contacts") == 0
    assert run(book_file, "sync", "run") == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 linked to cards" in out and "1 fields changed on both sides" in out
    assert run(book_file, "sync", "conflicts") == 0
    listed = capsys.readouterr().out
    assert "Ada Lovelace, name: ours 'Ada Lovelace' / theirs 'Ada L.'" in listed
    conflict = re.search(r"\[([a-z0-9]+)\]", listed)
    assert conflict
    assert run(book_file, "sync", "resolve", conflict.group(1), "mine") == 2
    assert "ours (the book's) or theirs" in capsys.readouterr().err
    assert run(book_file, "sync", "resolve", conflict.group(1), "ours") == 0
    assert run(book_file, "sync", "run") == 0
    assert "FN:Ada Lovelace" in server.read(f"/{USER}/contacts/ada.vcf")[0]
    assert run(book_file, "sync", "list") == 0
    assert ": ok, last run" in capsys.readouterr().out
