"""`TransferCases`, reached as `kb.transfer`: whole books in and out: import, export,
duplicates and merge, erasure.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO

from kithbook.domain.ids import MemberId
from kithbook.io.detect import Format
from kithbook.services import (
    duplicates,
    erasure,
    exports,
    imports,
    retry,
)
from kithbook.services.bound import Bound


@retry.retried_when_busy
class TransferCases(Bound):
    # `import_file` writes a whole file in one transaction or nothing; `actor=None` lets a
    # Kithbook JSON export bring its own account into an empty database.
    @retry.once
    def file_format(self, path: Path, format: Format | None = None) -> Format:
        return imports.file_format(path, format)

    @retry.once
    def import_file(self, actor: MemberId | None, path: Path, *, format: Format | None = None,
                    dry_run: bool = False, keep_photos: bool = True,
                    progress: imports.Progress | None = None,
                    since: date | None = None,
                    choices: Mapping[int, imports.DuplicateChoice] | None = None,
                    duplicates: imports.DuplicateChoice = imports.DuplicateChoice.KEEP,
                    add_people: Sequence[str] = ()) -> imports.ImportReport:
        return imports.import_file(self._uow(), actor, path, self.clock, format=format,
                                   dry_run=dry_run, keep_photos=keep_photos,
                                   region=self.settings.phone_region, progress=progress,
                                   since=since, choices=choices, duplicates=duplicates,
                                   add_people=add_people)

    @retry.once
    def export_book(self, actor: MemberId, format: exports.ExportFormat, out: IO[str]) -> int:
        return exports.export_book(self._uow(), actor, format, out)

    def list_duplicates(self, actor: MemberId) -> list[duplicates.DuplicateSet]:
        return duplicates.list_duplicates(self._uow(), actor, self._paths)

    def merge_contacts(self, actor: MemberId, keep: str, others: Sequence[str], *,
                       take: Mapping[str, str] | None = None) -> duplicates.MergeResult:
        return duplicates.merge_contacts(self._uow(), actor, keep, others, self.clock,
                                         take=take)

    def erase_person(self, actor: MemberId, *, email: str | None = None,
                     phone: str | None = None) -> erasure.ErasureReport:
        return erasure.erase_person(self._uow(), actor, email=email, phone=phone,
                                    region=self.settings.phone_region)

    def delete_account(self, actor: MemberId) -> erasure.AccountReport:
        return erasure.delete_account(self._uow(), actor)
