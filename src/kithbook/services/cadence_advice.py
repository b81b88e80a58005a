"""Why a keep-in-touch list is empty, and cadences to suggest for the strongest ties.

Nobody can be overdue without a cadence: a book that never set one says "nobody is
overdue" while people go untouched for years. This says which of the two it is, and
offers a cadence for the strongest ties that have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.keep_in_touch import suggested_cadence
from kithbook.services.ports import UnitOfWork

SUGGESTED = 5


@dataclass(frozen=True)
class Suggestion:
    contact: ContactId
    name: str
    strength: float
    days: int


@dataclass(frozen=True)
class CadenceAdvice:
    with_cadence: int  # ties with a cadence of their own or of a tag
    suggestions: tuple[Suggestion, ...]  # the strongest ties without one


def cadence_advice(uow: UnitOfWork, actor: MemberId) -> CadenceAdvice:
    with uow.reading():
        counted, strongest = uow.ties.cadence_gaps(actor, SUGGESTED)
    return CadenceAdvice(counted, tuple(
        Suggestion(contact, name, strength, suggested_cadence(strength))
        for contact, name, strength in strongest))
