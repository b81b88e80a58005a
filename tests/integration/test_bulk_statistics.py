"""A large bulk write on PostgreSQL leaves the planner knowing how big the tables are, so
the reads after it (a contact's timeline, say) use their indexes at once, whether or not
autovacuum runs on the server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from community_members import bare_member
from fakes import FixedClock
from kithbook.bootstrap import bootstrap
from kithbook.config import Settings
from kithbook.domain.contacts import ContactFields
from kithbook.domain.interactions import Direction, Kind
from kithbook.services.demo import generate_book
from kithbook.services.facade import Kithbook
from kithbook.storage.database import create_database_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_kb(postgres_schema_url: str, empty_postgres: Callable[[], None]) -> Iterator[Kithbook]:
    empty_postgres()
    services = bootstrap(Settings(database_url=postgres_schema_url), clock=FixedClock(),
                         migrate=False)
    yield services
    services.close()


def _planned_and_actual(url: str, table: str) -> tuple[float, int]:
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            planned = connection.execute(text(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
            ).scalar_one()
            actual = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()
    return float(planned), int(actual)


def test_a_demo_book_written_in_bulk_leaves_the_planner_its_true_size(
        pg_kb: Kithbook, postgres_schema_url: str) -> None:
    me = bare_member(pg_kb, "Ana")
    pg_kb.book.build_demo(me.id, 200, seed=3)
    for table in ("contacts", "interactions", "interaction_contacts"):
        planned, actual = _planned_and_actual(postgres_schema_url, table)
        assert actual >= 200
        assert planned == actual, table


def test_a_bulk_write_rolled_back_leaves_no_renewal_for_the_next_commit(
        pg_kb: Kithbook, postgres_schema_url: str) -> None:
    me = bare_member(pg_kb, "Ana")
    pg_kb.book.build_demo(me.id, 200, seed=3)
    planned, actual = _planned_and_actual(postgres_schema_url, "interactions")
    other = bare_member(pg_kb, "Ben")
    book = generate_book(other.id, 200, 4, pg_kb.clock.today())
    with pytest.raises(RuntimeError), pg_kb.uow() as uow:
        uow.bulk.write(other.id, book)
        raise RuntimeError("the use case fails after writing")
    # A small write afterwards, on the same pooled connection, is not a bulk write.
    contact = pg_kb.book.add_contact(me.id, ContactFields(name="Cleo"))
    pg_kb.book.log_interaction(me.id, [contact.id], Kind.TALKED, Direction.MUTUAL,
                               pg_kb.clock.today(), exact=True)
    assert _planned_and_actual(postgres_schema_url, "interactions") == (planned, actual + 1)
