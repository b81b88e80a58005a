"""Uploaded files, kept on disk between a preview and its import, for their member only.

Each upload waits in its own folder under the server's data folder (beside the SQLite
book, or `KITHBOOK_DATA_DIR`), never in the machine-wide temporary folder where other
accounts of the machine could list it. The folder's name is derived from the member and
the upload's random token, so the token alone finds nothing: another member who learns
it reaches no file and no progress, and is answered as for a token that never existed.
Uploads left behind (a preview never confirmed) are swept once they are a day old: when
the server starts and whenever someone uploads.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import BinaryIO

from kithbook.domain.errors import NotFound
from kithbook.domain.ids import MemberId

_TOKEN = re.compile(r"[0-9a-f]{32}")
MAX_AGE_SECONDS = 24 * 3600
GONE = ("that upload is gone (it is kept only until it is imported, for a day at most); "
        "choose the file again.")


class Uploads:
    """The uploads of one server, under `root`."""

    def __init__(self, root: Path, max_age_seconds: float = MAX_AGE_SECONDS) -> None:
        self.root = root
        self.max_age_seconds = max_age_seconds

    def save(self, member: MemberId, filename: str | None,
             content: BinaryIO) -> tuple[str, Path]:
        """Keep an uploaded file for `member` under a fresh random token, with its own
        name for messages; sweeps abandoned uploads first."""
        self.sweep()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.root.chmod(0o700)  # made by someone else, perhaps: kept private all the same
        token = secrets.token_hex(16)
        folder = self._folder(member, token)
        folder.mkdir(parents=True, mode=0o700)
        name = re.sub(r"[^\w.\- ]", "_", Path(filename or "").name)[:120] or "upload"
        path = folder / name
        with path.open("wb") as out:
            shutil.copyfileobj(content, out, 1 << 20)
        return token, path

    def saved(self, member: MemberId, token: str) -> Path:
        """The file `member` uploaded under `token`; NotFound alike for a token that is
        gone, made up, or another member's."""
        folder = self._folder(member, token) if _TOKEN.fullmatch(token) else None
        found = list(folder.iterdir()) if folder is not None and folder.is_dir() else []
        if len(found) != 1:
            raise NotFound(GONE, field="token")
        return found[0]

    def forget(self, member: MemberId, token: str) -> None:
        if _TOKEN.fullmatch(token):
            shutil.rmtree(self._folder(member, token), ignore_errors=True)

    def key(self, member: MemberId, token: str) -> str:
        """What names this member's upload: the token alone names nothing."""
        return hashlib.sha256(f"{member}\0{token}".encode()).hexdigest()[:40]

    def sweep(self) -> int:
        """Remove uploads older than the bound; returns how many."""
        if not self.root.is_dir():
            return 0
        oldest = time.time() - self.max_age_seconds
        removed = 0
        for folder in self.root.iterdir():
            try:
                if folder.stat().st_mtime < oldest:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
            except FileNotFoundError:  # swept by another worker meanwhile
                continue
        return removed

    def _folder(self, member: MemberId, token: str) -> Path:
        return self.root / self.key(member, token)
