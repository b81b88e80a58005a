"""Uploaded files, kept on disk under a random token between a preview and its import."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from pathlib import Path

from starlette.datastructures import UploadFile

from kithbook.domain.errors import InvalidInput

_TOKEN = re.compile(r"[0-9a-f]{32}")


def upload_folder() -> Path:
    """Where uploads wait between the preview and the confirmation."""
    return Path(tempfile.gettempdir()) / "kithbook-uploads"


def save_upload(upload: UploadFile) -> tuple[str, Path]:
    """Keep an uploaded file under a random token, with its own name for messages.
    File work: call it from a plain `def` route (the thread pool), never on the loop."""
    token = secrets.token_hex(16)
    folder = upload_folder() / token
    folder.mkdir(parents=True, mode=0o700)
    name = re.sub(r"[^\w.\- ]", "_", Path(upload.filename or "").name)[:120] or "upload"
    path = folder / name
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
    return token, path


def saved_upload(token: str) -> Path:
    folder = upload_folder() / token
    found = list(folder.iterdir()) if _TOKEN.fullmatch(token) and folder.is_dir() else []
    if len(found) != 1:
        raise InvalidInput("that upload is gone (it is kept only until it is imported); "
                           "choose the file again.", field="file")
    return found[0]


def forget_upload(token: str) -> None:
    if _TOKEN.fullmatch(token):
        shutil.rmtree(upload_folder() / token, ignore_errors=True)
