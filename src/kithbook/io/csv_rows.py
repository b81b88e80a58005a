"""Reading a contacts CSV row by row, with the line each row starts on.

Shared by the LinkedIn, Google and Outlook readers: find the header (LinkedIn puts notes
lines above it), read short or long rows with a warning, refuse rows cut short inside a
quote, oversized cells and spreadsheet formulas, and say on which line. When the member
names the format, the first row with any column that format has is the header, and the
columns Kithbook does not read are named in a warning.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from kithbook.domain.errors import InvalidInput
from kithbook.io.limits import DEFAULT_LIMITS, Limits, check_field, text_lines
from kithbook.io.records import Warnings

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
              what: str, limits: Limits = DEFAULT_LIMITS, encoding: str | None = None,
              warnings: Warnings | None = None,
              known: Callable[[str], bool] | None = None) -> Iterator[Row]:
    """Yield each data row under the first row that `is_header` accepts.

    With `known` (the format was named by the member, not recognized), the first row
    holding any column `known` accepts is the header, and the others are warned about.
    """
    warnings = warnings if warnings is not None else Warnings()
    reader = csv.reader(text_lines(stream, name=name, limits=limits, encoding=encoding,
                                   warnings=warnings), strict=True)
    header: list[str] | None = None
    start = 1
    try:
        for cells in reader:
            if header is None:
                stripped = [c.strip().lstrip("\ufeff") for c in cells]
                if is_header(stripped) or (known is not None and any(map(known, stripped))):
                    header = stripped
                    if known is not None:
                        _unknown_columns(header, known, name=name, line=start, what=what,
                                         warnings=warnings)
                elif reader.line_num >= MAX_PREAMBLE_ROWS:
                    break
                start = reader.line_num + 1
                continue
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            yield Row(line, _check_row(header, cells, name=name, line=line, limits=limits,
                                       warnings=warnings))
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


def _unknown_columns(header: list[str], known: Callable[[str], bool], *, name: str,
                     line: int, what: str, warnings: Warnings) -> None:
    unknown = [column for column in header if column and not known(column)]
    if unknown:
        shown = ", ".join(repr(c[:40]) for c in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        warnings.add(f"{name}, line {line}", (
            f"the columns {shown}{more} are not {what} columns Kithbook reads; they are "
            "ignored. Rename a column to its name in a real export to have it read."))


def _check_row(header: list[str], cells: list[str], *, name: str, line: int,
               limits: Limits, warnings: Warnings) -> dict[str, str]:
    where = f"{name}, line {line}"
    if len(cells) != len(header):
        if len(cells) < len(header):
            warnings.add(where, f"{len(cells)} cells where the header has {len(header)}; "
                                "the missing ones are read as empty.")
            cells = cells + [""] * (len(header) - len(cells))
        else:
            extra = [c for c in cells[len(header):] if c.strip()]
            if extra:
                warnings.add(where, (
                    f"{len(cells)} cells where the header has {len(header)} (a comma "
                    f"inside a value may be missing its quotes); the extra "
                    f"{', '.join(repr(c[:40]) for c in extra[:5])} are ignored. Check the "
                    "contact after the import."))
            cells = cells[:len(header)]
    oversized = max(map(len, cells), default=0) > limits.max_field_chars
    for column, cell in zip(header, cells, strict=True):
        if oversized:
            check_field(cell, where=where, column=repr(column), limit=limits.max_field_chars)
        # Only a cell starting with one of these can be a formula: the expression, which
        # decides, runs on those alone.
        if cell.lstrip()[:1] in _FORMULA_START and is_formula(cell):
            raise InvalidInput(
                f"{where}: the {column!r} cell {cell[:40]!r} is a spreadsheet formula, which "
                "a contacts export never contains. Remove it and import again.", field="file")
    return dict(zip(header, cells, strict=True))


_FORMULA_START = frozenset("=+-@")
