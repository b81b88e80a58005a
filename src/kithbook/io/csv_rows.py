"""Reading a contacts CSV row by row, with the line each row starts on.

Shared by the LinkedIn, Google and Outlook readers: find the header (LinkedIn puts notes
lines above it), refuse malformed or truncated rows, oversized cells and spreadsheet
formulas, and say on which line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from kithbook.domain.errors import InvalidInput
from kithbook.io.limits import DEFAULT_LIMITS, Limits, check_field, text_lines

MAX_PREAMBLE_ROWS = 20

# "=1+1", "@SUM(A1)", "+HYPERLINK(...)", "-2+3+cmd|' /C calc'!A0": cells a spreadsheet would
# run. Phone numbers ("+1 (202) 555-0143") and notes ("- met at the fair (Paris)") are not.
_FORMULA = re.compile(r"^\s*(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\(|[+\-@].*\w\|)")


@dataclass(frozen=True)
class Row:
    line: int  # the line the row starts on, 1-based, as an editor shows it
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The trimmed cell, or "" when the column is absent."""
        return self.cells.get(column, "").strip()

    @property
    def where(self) -> str:
        return f"line {self.line}"


def is_formula(cell: str) -> bool:
    return bool(_FORMULA.match(cell))


def read_rows(stream: BinaryIO, *, name: str, is_header: Callable[[list[str]], bool],
              what: str, limits: Limits = DEFAULT_LIMITS,
              encoding: str | None = None) -> Iterator[Row]:
    """Yield each data row under the first row that `is_header` accepts."""
    reader = csv.reader(text_lines(stream, name=name, limits=limits, encoding=encoding),
                        strict=True)
    header: list[str] | None = None
    start = 1
    try:
        for cells in reader:
            if header is None:
                stripped = [c.strip().lstrip("\ufeff") for c in cells]
                if is_header(stripped):
                    header = stripped
                elif reader.line_num >= MAX_PREAMBLE_ROWS:
                    break
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            yield Row(line, _check_row(header, cells, name=name, line=line, limits=limits))
    except csv.Error as exc:
        raise InvalidInput(
            f"{name}, line {start}: the CSV is malformed ({exc}); a quote may be missing or "
            "the file may be cut short. Export it again and import the new file.",
            field="file") from None
    if header is None:
        raise InvalidInput(
            f"{name}: no {what} header row in the first {MAX_PREAMBLE_ROWS} lines. Is this "
            f"the right file? Export it again, or choose the format with --format.",
            field="file")


def _check_row(header: list[str], cells: list[str], *, name: str, line: int,
               limits: Limits) -> dict[str, str]:
    if len(cells) != len(header):
        hint = ("the file may be cut short" if len(cells) < len(header)
                else "a comma inside a value may be missing its quotes")
        raise InvalidInput(
            f"{name}, line {line}: {len(cells)} cells where the header has {len(header)}; "
            f"{hint}. Fix that line and import again.", field="file")
    where = f"{name}, line {line}"
    for column, cell in zip(header, cells, strict=True):
        check_field(cell, where=where, column=repr(column), limit=limits.max_field_chars)
        if cell and is_formula(cell):
            raise InvalidInput(
                f"{where}: the {column!r} cell {cell[:40]!r} is a spreadsheet formula, which "
                "a contacts export never contains. Remove it and import again.", field="file")
    return dict(zip(header, cells, strict=True))
