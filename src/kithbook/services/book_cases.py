"""`BookCases`, reached as `kb.book`: the book: contacts, their dates and photos,
interactions, undo, sharing policies, the demo.

Each method binds a use case of the modules it calls to one database, clock and
settings (`bound.py`); `@retry.once` marks those that must not run again when the
database is busy.
"""

from __future__ import annotations

from datetime import date

from kithbook.domain.contacts import Contact, ContactFields
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.important_dates import ImportantDate
from kithbook.domain.interactions import Direction, Interaction, Kind
from kithbook.domain.members import Member
from kithbook.domain.photos import ContactPhoto
from kithbook.domain.policies import PolicyChange
from kithbook.domain.ties import SharingPolicy
from kithbook.services import (
    book,
    contact_dates,
    demo,
    members,
    policies,
    retry,
    shared,
)
from kithbook.services import undo as undos
from kithbook.services.book import ContactView, TieFields
from kithbook.services.bound import Bound
from kithbook.services.ports import ContactQuery, Page
from kithbook.services.undo_ports import UndoEntry

NO_TIE_CHANGE = TieFields()


@retry.retried_when_busy
class BookCases(Bound):
    def init_local_member(self, name: str) -> tuple[Member, bool]:
        return members.init_local_member(self._uow(), name, self.clock)

    def local_member(self) -> Member:
        return members.local_member(self._uow())

    def add_contact(self, actor: MemberId, fields: ContactFields,
                    tie: TieFields = NO_TIE_CHANGE) -> Contact:
        return book.add_contact(self._uow(), actor, fields, tie, self.clock,
                                region=self.settings.phone_region)

    def edit_contact(self, actor: MemberId, ref: str, fields: ContactFields,
                     tie: TieFields = NO_TIE_CHANGE, expected_version: int | None = None,
                     *, exact: bool = False) -> Contact:
        return book.edit_contact(self._uow(), actor, ref, fields, tie, self.clock,
                                 region=self.settings.phone_region,
                                 expected_version=expected_version, exact=exact)

    def delete_contact(self, actor: MemberId, ref: str, *,
                       exact: bool = False) -> book.RemovedContact:
        return book.delete_contact(self._uow(), actor, ref, self.clock, exact=exact)

    def contact_photo(self, actor: MemberId, contact_id: str) -> ContactPhoto:
        return book.contact_photo(self._uow(), actor, contact_id)

    def set_date(self, actor: MemberId, ref: str, value: ImportantDate, *,
                 replacing: str | None = None,
                 exact: bool = False) -> tuple[Contact, list[ImportantDate]]:
        return contact_dates.set_date(self._uow(), actor, ref, value, self.clock,
                                      replacing=replacing, exact=exact)

    def remove_date(self, actor: MemberId, ref: str, what: str, *,
                    exact: bool = False) -> tuple[Contact, list[ImportantDate]]:
        return contact_dates.remove_date(self._uow(), actor, ref, what, exact=exact)

    def log_interaction(self, actor: MemberId, refs: list[str], kind: Kind,
                        direction: Direction, occurred_on: date,
                        note: str | None = None, *, exact: bool = False) -> Interaction:
        return book.log_interaction(self._uow(), actor, refs, kind, direction, occurred_on,
                                    note, self.clock, exact=exact)

    def delete_interaction(self, actor: MemberId,
                           interaction_id: str) -> book.RemovedInteraction:
        return book.delete_interaction(self._uow(), actor, interaction_id, self.clock)

    def get_interaction(self, actor: MemberId, interaction_id: str
                        ) -> tuple[Interaction, dict[ContactId, str]]:
        return book.get_interaction(self._uow(), actor, interaction_id)

    def edit_interaction(self, actor: MemberId, interaction_id: str,
                         change: book.InteractionChange, *,
                         expected_version: int | None = None,
                         exact: bool = False) -> Interaction:
        return book.edit_interaction(self._uow(), actor, interaction_id, change, self.clock,
                                     expected_version=expected_version, exact=exact)

    def undo(self, actor: MemberId, entry_id: str) -> undos.Undone:
        return undos.undo(self._uow(), actor, entry_id, self.clock)

    def undoable(self, actor: MemberId) -> list[UndoEntry]:
        return undos.recent(self._uow(), actor)

    def list_contacts(self, actor: MemberId, query: ContactQuery, *,
                      wait_for_day: bool = True) -> Page:
        return book.list_contacts(self._uow(), actor, query, self.clock, self.strength_params,
                                  wait_for_day=wait_for_day)

    @retry.once
    def read_contacts(self, actor: MemberId, query: ContactQuery) -> Page | None:
        """A page of the book if reading is all it takes (yesterday's strengths, flagged
        stale, will do), else None: see `list_contacts`. It only reads and does not retry
        (a busy database gives None too), so a server can answer with it on its event
        loop and leave the rest to a thread."""
        return retry.at_once(
            lambda: book.read_contacts(self._uow(), actor, query, self.clock))

    def show_contact(self, actor: MemberId, ref: str) -> ContactView:
        return book.show_contact(self._uow(), actor, ref)

    def get_contact(self, actor: MemberId, contact_id: str) -> ContactView:
        return book.get_contact(self._uow(), actor, contact_id)

    def build_demo(self, actor: MemberId, size: int, seed: int) -> demo.DemoReport:
        return demo.build_demo(self._uow(), actor, size, seed, self.clock)

    def default_policy(self, actor: MemberId) -> SharingPolicy:
        return policies.default_policy(self._uow(), actor)

    def set_default_policy(self, actor: MemberId, change: PolicyChange) -> SharingPolicy:
        return policies.set_default_policy(self._uow(), actor, change)

    def contact_policy(self, actor: MemberId, ref: str, *,
                       exact: bool = False) -> policies.ContactPolicy:
        return policies.contact_policy(self._uow(), actor, ref, exact=exact)

    def set_contact_policy(self, actor: MemberId, ref: str, change: PolicyChange, *,
                           follow_defaults: bool = False,
                           exact: bool = False) -> policies.ContactPolicy:
        return policies.set_contact_policy(self._uow(), actor, ref, change,
                                           follow_defaults=follow_defaults, exact=exact)

    def log_interaction_once(self, actor: MemberId, key: str, refs: list[str], kind: Kind,
                             direction: Direction, occurred_on: date,
                             note: str | None = None, *,
                             exact: bool = False) -> book.LoggedOnce:
        return book.log_interaction_once(self._uow(), actor, key, refs, kind, direction,
                                         occurred_on, note, self.clock, exact=exact)

    def read_shared_card(self, actor: MemberId, data: bytes,
                         filename: str) -> shared.SharedCard:
        return shared.read_shared_card(self._uow(), actor, data, filename,
                                       region=self.settings.phone_region)
