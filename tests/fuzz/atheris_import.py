"""Coverage-guided fuzzing of the importers with atheris: the longer run.

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/atheris_import.py -atheris_runs=200000 [corpus_dir]

Each input picks a format with its first byte (or lets detection choose) and is
imported, whole, into a real SQLite book. The only exception allowed out is Kithbook's
own error (a clear message about the file), and after one nothing may have been written:
the rows of every table are counted before and after. Any other exception, or a changed
count after an error, stops the run with the input that caused it. CI runs the
hypothesis versions of these properties instead (`tests/unit/io`, `tests/integration/
test_import_services.py`); this one is for hours, not seconds.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from kithbook.bootstrap import bootstrap
    from kithbook.config import Settings
    from kithbook.domain.errors import KithbookError
    from kithbook.io.detect import Format
    from kithbook.storage.tables import metadata

FORMATS: list[Format | None] = [None, *Format]
SUFFIXES = {None: ".bin", Format.LINKEDIN: ".csv", Format.VCARD: ".vcf",
            Format.GOOGLE_CSV: ".csv", Format.OUTLOOK_CSV: ".csv", Format.ICS: ".ics",
            Format.KITHBOOK_JSON: ".json"}

WORK = Path(tempfile.mkdtemp(prefix="kithbook-atheris-"))
DATABASE = WORK / "book.sqlite"
KB = bootstrap(Settings(database_url=f"sqlite:///{DATABASE}"))
ME, _ = KB.book.init_local_member("Fuzz")
KB.book.build_demo(ME.id, 20, 3)
TABLES = [t.name for t in metadata.sorted_tables]


def counts() -> list[int]:
    with sqlite3.connect(DATABASE) as connection:
        return [connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in TABLES]


def one_input(data: bytes) -> None:
    if not data:
        return
    format = FORMATS[data[0] % len(FORMATS)]
    path = WORK / f"input{SUFFIXES[format]}"
    path.write_bytes(data[1:])
    before = counts()
    try:
        KB.transfer.import_file(ME.id, path, format=format)
    except KithbookError as refused:
        after = counts()
        if after != before:
            raise AssertionError(
                f"an import that failed wrote rows: {before} -> {after}") from refused


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
