"""`Kithbook`: every use case bound to one database and clock.

The faces (CLI, web) hold one of these, built by `bootstrap`, and call its methods;
each method is a use case from the modules beside this one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kithbook.config import Settings
from kithbook.domain.contacts import Contact, ContactFields
from kithbook.domain.ids import MemberId
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.members import Member
from kithbook.services import book, demo, members
from kithbook.services.book import ContactView, TieFields
from kithbook.services.ports import Clock, ContactQuery, Page, UnitOfWork

NO_TIE_CHANGE = TieFields()


class Kithbook:
    def __init__(self, settings: Settings, uow_factory: Callable[[], UnitOfWork],
                 clock: Clock, close: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        self.clock = clock
        self._uow = uow_factory
        self._close = close

    def close(self) -> None:
        """Release database connections; the object must not be used afterwards."""
        self._close()

    def uow(self) -> UnitOfWork:
        return self._uow()

    # members
    def init_local_member(self, name: str) -> tuple[Member, bool]:
        return members.init_local_member(self._uow(), name, self.clock)

    def local_member(self) -> Member:
        return members.local_member(self._uow())

    # the book
    def add_contact(self, actor: MemberId, fields: ContactFields,
                    tie: TieFields = NO_TIE_CHANGE) -> Contact:
        return book.add_contact(self._uow(), actor, fields, tie, self.clock,
                                region=self.settings.phone_region)

    def edit_contact(self, actor: MemberId, ref: str, fields: ContactFields,
                     tie: TieFields = NO_TIE_CHANGE, expected_version: int | None = None
                     ) -> Contact:
        return book.edit_contact(self._uow(), actor, ref, fields, tie, self.clock,
                                 region=self.settings.phone_region,
                                 expected_version=expected_version)

    def delete_contact(self, actor: MemberId, ref: str) -> tuple[Contact, int]:
        return book.delete_contact(self._uow(), actor, ref)

    def log_interaction(self, actor: MemberId, refs: list[str], kind: Kind,
                        direction: Direction, occurred_on: date,
                        note: str | None = None) -> Interaction:
        return book.log_interaction(self._uow(), actor, refs, kind, direction, occurred_on,
                                    note, self.clock)

    def delete_interaction(self, actor: MemberId, interaction_id: str) -> Interaction:
        return book.delete_interaction(self._uow(), actor, interaction_id)

    def list_contacts(self, actor: MemberId, query: ContactQuery) -> Page:
        return book.list_contacts(self._uow(), actor, query)

    def show_contact(self, actor: MemberId, ref: str) -> ContactView:
        return book.show_contact(self._uow(), actor, ref)

    def get_contact(self, actor: MemberId, contact_id: str) -> ContactView:
        return book.get_contact(self._uow(), actor, contact_id)

    # demo
    def build_demo(self, actor: MemberId, size: int, seed: int) -> demo.DemoReport:
        return demo.build_demo(self._uow(), actor, size, seed, self.clock)
