"""Account passwords for capture, encrypted at rest with a key the admin provides.

The key is a Fernet key (AES-128-CBC with HMAC-SHA256, from `cryptography`), given in
`KITHBOOK_CAPTURE_KEY` or, better, in a file named by `KITHBOOK_CAPTURE_KEY_FILE`. The
database holds only the encrypted password, so a copy of it or of a backup or export
lets nobody read one; without the key no source with a password can be added or run.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from kithbook.config import Settings
from kithbook.domain.errors import InvalidInput

_HOW = ("set KITHBOOK_CAPTURE_KEY_FILE to a file holding a key (make one with "
        "`kithbook capture new-key > capture.key`, readable only by the server)")


class SecretBox:
    """Encrypts and decrypts capture passwords with one key; never logs or shows one."""

    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise InvalidInput("the capture key is not a valid key; " + _HOW + ".",
                               field="capture_key") from None

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError, UnicodeError):
            raise InvalidInput("this source's password was stored with another capture key; "
                               "set the key it was made with, or add the source again.",
                               field="capture_key") from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def secret_box(settings: Settings) -> SecretBox:
    """The box for the configured key, or a clear error saying how to set one."""
    key = settings.capture_key
    if settings.capture_key_file:
        path = Path(settings.capture_key_file).expanduser()
        try:
            key = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else None
            raise InvalidInput(f"could not read the capture key file {path}: "
                               f"{why or 'not a key file'}; " + _HOW + ".",
                               field="capture_key") from None
    if not key:
        raise InvalidInput("Kithbook needs a key to keep account passwords encrypted: "
                           + _HOW + ".", field="capture_key")
    return SecretBox(key.strip().encode("ascii", "replace"))
