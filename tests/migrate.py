"""Moving a test's database between migrations, as `kithbook db` would."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config

from kithbook.storage.database import MIGRATIONS, create_database_engine


def downgrade(database_url: str, revision: str) -> None:
    _move(database_url, command.downgrade, revision)


def upgrade(database_url: str, revision: str = "head") -> None:
    _move(database_url, command.upgrade, revision)


def _move(database_url: str, move: Callable[[Config, str], None], revision: str) -> None:
    engine = create_database_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            move(config, revision)
    finally:
        engine.dispose()
