"""/api/v1/undo: put back a removed interaction, or split a merge again."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from kithbook.services.undo import Undone
from kithbook.services.undo_ports import UndoEntry
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1", tags=["book"], responses=ERRORS)


class UndoableOut(BaseModel):
    id: str
    kind: str
    label: str
    created_at: datetime

    @classmethod
    def of(cls, entry: UndoEntry) -> UndoableOut:
        return cls(id=entry.id, kind=entry.kind, label=entry.label,
                   created_at=entry.created_at)


class UndoneOut(BaseModel):
    kind: str
    label: str
    contact_ids: list[str]

    @classmethod
    def of(cls, done: Undone) -> UndoneOut:
        return cls(kind=done.kind, label=done.label, contact_ids=list(done.contacts))


@router.get("/undo", summary="What can still be undone, newest first",
            description="Removed interactions and merges are kept for 30 days.")
def undoable(kb: Services, me: CurrentMember) -> list[UndoableOut]:
    return [UndoableOut.of(e) for e in kb.book.undoable(me.id)]


@router.post("/undo/{entry_id}", summary="Undo a removal or a merge",
             description="409 when undoing would lose a change made since (the contact "
                         "kept by a merge was edited or given new interactions, or someone "
                         "a removed interaction involved was removed).")
def undo(entry_id: str, kb: Services, me: CurrentMember) -> UndoneOut:
    return UndoneOut.of(kb.book.undo(me.id, entry_id))
