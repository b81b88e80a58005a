"""Moving a book in and out on the command line, on a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import dump, run

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture
def db(book_file: Path) -> Path:
    return book_file


def test_import_check_merge_export_and_back(db: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "init", "--name", "Sam") == 0
    assert run(db, "import", str(DATA / "linkedin_connections.csv"), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would add 5 contacts" in out and "+ Ada Lovelace" in out
    assert "Nothing was written" in out
    assert run(db, "ls") == 0
    assert "kithbook add" in capsys.readouterr().out
    assert run(db, "import", str(DATA / "iphone_v3.vcf")) == 0
    assert run(db, "import", str(DATA / "linkedin_connections.csv")) == 0
    out = capsys.readouterr().out
    assert "added 5 contacts" in out and "likely duplicates" in out
    assert run(db, "log", "Grace", "met", "yesterday") == 0
    assert run(db, "import", str(DATA / "calendar.ics")) == 0
    assert "interactions" in capsys.readouterr().out
    assert run(db, "duplicates") == 0
    listed = capsys.readouterr().out
    assert "same email: ada@analytical.example" in listed
    cto = next(line.split()[0] for line in listed.splitlines() if "CTO" in line)
    other = next(line.split()[0] for line in listed.splitlines()
                 if "Ada Lovelace" in line and "CTO" not in line)
    assert run(db, "merge", other, cto, "--take", f"role={cto}") == 0
    assert "merged Ada Lovelace into" in capsys.readouterr().out
    assert run(db, "show", other) == 0
    assert "CTO" in capsys.readouterr().out
    exported = tmp_path / "book.json"
    assert run(db, "export", "-o", str(exported)) == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["format"] == "kithbook" and len(document["contacts"]) == 7
    fresh = tmp_path / "fresh.sqlite"  # an export moves a whole book to a new file
    assert run(fresh, "import", str(exported)) == 0
    capsys.readouterr()
    assert run(fresh, "export") == 0
    assert capsys.readouterr().out == exported.read_text(encoding="utf-8")
    for format, marker in (("vcard", "BEGIN:VCARD"), ("csv", "id,name,emails")):
        assert run(db, "export", "--format", format) == 0
        assert marker in capsys.readouterr().out


def test_erase_and_delete_account(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db, "add", "Ada Lovelace", "--email", "ada@example.org") == 0
    assert run(db, "add", "Bob Stone", "--phone", "+44 20 7946 0958") == 0
    assert run(db, "log", "Ada", "Bob", "met", "yesterday") == 0
    assert run(db, "erase", "--phone", "+442079460958", "--yes") == 0
    out = capsys.readouterr().out
    assert "erased 1 contacts" in out and "Bob Stone" in out
    assert "1 shared with others kept" in out
    assert run(db, "delete-account", "--yes") == 0
    assert "deleted the account" in capsys.readouterr().out
    assert [line for line in dump(db)
            if line.startswith("INSERT") and "alembic" not in line
            and 'INSERT INTO "server_keys"' not in line  # the server's own secret
            and not _search_index_bookkeeping(line)] == []  # no data row


def _search_index_bookkeeping(statement: str) -> bool:
    """The FTS5 table's definition, triggers, version and empty structure records: what
    it holds with no contact at all. Any segment row (text) would still count above."""
    return (statement.startswith(("CREATE TRIGGER contacts_fts_",
                                  'INSERT INTO "contacts_fts_config"',
                                  'INSERT INTO "contacts_fts_data" VALUES(1,',
                                  'INSERT INTO "contacts_fts_data" VALUES(10,'))
            or (statement.startswith("INSERT INTO sqlite_master")
                and "'contacts_fts'" in statement))


@pytest.mark.parametrize(("args", "message"), [
    (["import", "{bad}"], "line 3"),
    (["import", "{missing}"], "is not a file"),
    (["import", "{bad}", "--format", "vcard"], "Is this a vCard file?"),
    (["merge", "Ada"], "Missing argument"),
    (["merge", "Ada", "Ada"], "listed twice"),
    (["merge", "Ada", "Bob", "--take", "shoe=Bob"], "cannot choose 'shoe'"),
    (["merge", "Ada", "Bob", "--take", "role"], "FIELD=CONTACT"),
    (["erase", "--email", "nobody@", "--yes"], "not a valid email"),
    (["erase"], "one of --email or --phone"),
    (["delete-account"], "--yes"),
    (["export", "--format", "xml"], "Invalid value"),
])
def test_mistakes_get_one_line_exit_2_and_change_nothing(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    assert run(db, "add", "Ada Lovelace", "--org", "Acme") == 0
    assert run(db, "add", "Bob Stone", "--org", "Acme") == 0
    bad = tmp_path / "Connections.csv"
    bad.write_text(HEADER + "Eve,E,,eve@example.org,A,B,01 Jan 2024\n"
                   "Mallory,M,,=1+1,A,B,01 Jan 2024\n", encoding="utf-8")
    capsys.readouterr()
    before = dump(db)
    filled = [a.format(bad=bad, missing=tmp_path / "nope.csv") for a in args]
    assert run(db, *filled) == 2
    err = capsys.readouterr().err
    assert message in err
    assert dump(db) == before


def test_killing_an_import_midway_leaves_the_book_as_it_was(db: Path, tmp_path: Path) -> None:
    assert run(db, "add", "Ada Lovelace", "--email", "ada@example.org") == 0
    big = tmp_path / "Connections.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(200_000):
            f.write(f"Person,{i},https://www.linkedin.com/in/p{i},p{i}@example.org,Acme,"
                    "Engineer,01 Jan 2024\n")
    before = dump(db)
    env = {**os.environ, "COLUMNS": "100"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kithbook", "--database", str(db), "import", str(big)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.startswith("read 20,"):  # two batches written, far from done
                break
        assert process.poll() is None, f"the import ended before it could be killed: {seen}"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert dump(db) == before
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()
