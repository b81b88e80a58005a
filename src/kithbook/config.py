"""Settings, read in one function from the environment and passed down.

Nothing here runs at import time: `load_settings()` is called by the faces (CLI, web)
and the result travels to `bootstrap`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from kithbook.domain.errors import InvalidInput

APP_NAME = "kithbook"


# Where links in mail and feeds point when KITHBOOK_PUBLIC_URL is not set.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Settings:
    database_url: str
    phone_region: str | None = "US"
    half_life_days: float = 90.0  # equals graph.strength.StrengthParams
    # Community server: where emails go out, who sends them, the address links point to.
    smtp_url: str | None = None  # smtp://user:password@host:587?starttls=1
    mail_from: str = "kithbook@localhost"
    public_url: str = DEFAULT_PUBLIC_URL
    # Sessions end after this long without a request, and this long after sign-in.
    session_idle_hours: float = 72.0
    session_lifetime_days: float = 14.0
    # Capture: the key that encrypts account passwords (services/secrets.py), given
    # inline or, better, as a file only the server can read.
    capture_key: str | None = field(default=None, repr=False)
    capture_key_file: str | None = None
    # Where the server keeps files of its own (uploads waiting for their import); None:
    # beside the SQLite book, or the user's data folder for a book on PostgreSQL.
    data_dir: Path | None = None
    # The largest request body the web server reads (an upload), and how many imports
    # each server process runs at once.
    max_upload_mb: float = 64.0
    max_imports: int = 2
    # How long a server may hold a claimed piece of background work (emails being sent,
    # the digest pass, a capture run) before another server takes it over, as after a
    # crash: longer than the slowest such piece, short enough that a crash delays little.
    job_lease_seconds: float = 600.0

    def data_folder(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir
        book = self.database_url.removeprefix("sqlite:///").split("?")[0]
        if self.database_url.startswith("sqlite:///") and book and book != ":memory:":
            return Path(book).parent
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    def with_database(self, url: str | None) -> Settings:
        return self if url is None else replace(self, database_url=database_url_from(url))


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "kithbook.sqlite"


def database_url_from(value: str) -> str:
    """Accept a SQLAlchemy URL, a bare PostgreSQL URL or a plain SQLite file path."""
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _positive(env: Mapping[str, str], name: str, default: float, *,
              unit: str = "hours or days") -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e6:
        raise InvalidInput(f"{name} must be a positive number of {unit}, not {text!r}.",
                           field=name)
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    url = env.get("KITHBOOK_DATABASE_URL")
    region = env.get("KITHBOOK_PHONE_REGION", "US").strip().upper() or None
    return Settings(
        database_url=database_url_from(url) if url else database_url_from(
            str(default_database_path())),
        phone_region=region,
        half_life_days=float(env.get("KITHBOOK_HALF_LIFE_DAYS", "90")),
        smtp_url=env.get("KITHBOOK_SMTP_URL") or None,
        mail_from=env.get("KITHBOOK_MAIL_FROM", "kithbook@localhost"),
        public_url=env.get("KITHBOOK_PUBLIC_URL", DEFAULT_PUBLIC_URL),
        session_idle_hours=_positive(env, "KITHBOOK_SESSION_IDLE_HOURS", 72.0),
        session_lifetime_days=_positive(env, "KITHBOOK_SESSION_LIFETIME_DAYS", 14.0),
        capture_key=env.get("KITHBOOK_CAPTURE_KEY") or None,
        capture_key_file=env.get("KITHBOOK_CAPTURE_KEY_FILE") or None,
        data_dir=Path(env["KITHBOOK_DATA_DIR"]).expanduser()
        if env.get("KITHBOOK_DATA_DIR", "").strip() else None,
        max_upload_mb=_positive(env, "KITHBOOK_MAX_UPLOAD_MB", 64.0, unit="megabytes"),
        max_imports=max(1, int(_positive(env, "KITHBOOK_MAX_IMPORTS", 2, unit="imports"))),
        job_lease_seconds=_positive(env, "KITHBOOK_JOB_LEASE_SECONDS", 600.0, unit="seconds"),
    )
