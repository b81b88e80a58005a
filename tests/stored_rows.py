"""Every row a database holds, to show that a piece of work wrote nothing, or what it wrote."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from kithbook.storage.tables import metadata


def every_row(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table at `url`, sorted: equal before and after means nothing
    was written."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t.name: sorted(map(tuple, connection.execute(select(t))), key=repr)
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()
