"""Use cases of a contact's important dates typed by hand: set one, change it, remove it."""

from __future__ import annotations

from kithbook.domain.contacts import Contact
from kithbook.domain.ids import MemberId
from kithbook.domain.important_dates import (
    ImportantDate,
    check_important_date,
    placed,
    without,
)
from kithbook.services.ports import Clock, UnitOfWork
from kithbook.services.references import resolve_contact


def set_date(uow: UnitOfWork, actor: MemberId, ref: str, value: ImportantDate, clock: Clock,
             *, replacing: str | None = None,
             exact: bool = False) -> tuple[Contact, list[ImportantDate]]:
    """Give the contact `value`, in place of the date named `replacing` or of the one
    named as `value` is; answers the contact and all its dates."""
    with uow:
        contact = resolve_contact(uow, actor, ref, exact=exact)
        check_important_date(value, clock.today())
        dates = placed(uow.dates.for_contact(contact.id), value, replacing)
        uow.dates.put(contact.id, dates)
        uow.commit()
        return contact, dates


def remove_date(uow: UnitOfWork, actor: MemberId, ref: str, what: str, *,
                exact: bool = False) -> tuple[Contact, list[ImportantDate]]:
    """Take the date named `what` ("birthday", "Name day") off the contact."""
    with uow:
        contact = resolve_contact(uow, actor, ref, exact=exact)
        dates = without(uow.dates.for_contact(contact.id), what, contact.name)
        uow.dates.put(contact.id, dates)
        uow.commit()
        return contact, dates
