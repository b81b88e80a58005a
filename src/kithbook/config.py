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


@dataclass(frozen=True)
class Settings:
    database_url: str
    phone_region: str | None = "US"
    half_life_days: float = 90.0  # equals graph.strength.StrengthParams
    # Community server: where emails go out, who sends them, the address links point to.
    smtp_url: str | None = None  # smtp://user:password@host:587?starttls=1
    mail_from: str = "kithbook@localhost"
    public_url: str = "http://127.0.0.1:8000"
    # Sessions end after this long without a request, and this long after sign-in.
    session_idle_hours: float = 72.0
    session_lifetime_days: float = 14.0
    # Capture: the key that encrypts account passwords (services/secrets.py), given
    # inline or, better, as a file only the server can read.
    capture_key: str | None = field(default=None, repr=False)
    capture_key_file: str | None = None

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


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1e6:
        raise InvalidInput(f"{name} must be a positive number of hours or days, not "
                           f"{text!r}.", field=name)
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
        public_url=env.get("KITHBOOK_PUBLIC_URL", "http://127.0.0.1:8000"),
        session_idle_hours=_positive(env, "KITHBOOK_SESSION_IDLE_HOURS", 72.0),
        session_lifetime_days=_positive(env, "KITHBOOK_SESSION_LIFETIME_DAYS", 14.0),
        capture_key=env.get("KITHBOOK_CAPTURE_KEY") or None,
        capture_key_file=env.get("KITHBOOK_CAPTURE_KEY_FILE") or None,
    )
