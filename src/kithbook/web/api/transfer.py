"""/api/v1/import, export, duplicates, merge and erase."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from kithbook.domain.errors import InvalidInput
from kithbook.services.duplicates import DuplicateSet, MergeResult
from kithbook.services.erasure import ErasureReport
from kithbook.services.exports import ExportFormat
from kithbook.services.imports import DuplicateChoice, ImportReport
from kithbook.web.api.schemas import ERRORS, ContactOut, PageOut
from kithbook.web.deps import CurrentMember, Services
from kithbook.web.limits import ImportSlot
from kithbook.web.pages.transfer import (
    export_response,
    parse_format,
    record_choices,
    uploads_of,
)

router = APIRouter(prefix="/api/v1", tags=["import and export"], responses=ERRORS)


class DuplicateOut(BaseModel):
    where: str
    name: str
    other: str
    other_name: str
    reasons: list[str]


class DuplicateRecordOut(BaseModel):
    record: int = Field(description="Its place in the file, from 1: what `choices` names")
    where: str
    name: str
    into: str | None = Field(description="The contact of the book a merge goes into")
    choice: DuplicateChoice


class NewPersonOut(BaseModel):
    email: str
    name: str | None
    events: int
    last_on: date
    added: bool


class EventOut(BaseModel):
    occurred_on: date
    summary: str | None
    people: list[str]


class WarningOut(BaseModel):
    where: str
    message: str


class ImportOut(BaseModel):
    name: str
    format: str
    dry_run: bool
    read: int
    contacts_added: int
    contacts_unchanged: int
    interactions_added: int
    events_already_imported: int
    events_without_contacts: int
    duplicate_count: int
    duplicates: list[DuplicateOut]
    duplicate_records: list[DuplicateRecordOut]
    contacts_merged: int
    contacts_skipped: int
    new_people_count: int
    new_people: list[NewPersonOut]
    new_names: list[str]
    events: list[EventOut]
    warning_count: int
    warnings: list[WarningOut]

    @classmethod
    def of(cls, report: ImportReport) -> ImportOut:
        return cls(
            name=report.name, format=report.format.value, dry_run=report.dry_run,
            read=report.read, contacts_added=report.contacts_added,
            contacts_unchanged=report.contacts_unchanged,
            interactions_added=report.interactions_added,
            events_already_imported=report.events_already_imported,
            events_without_contacts=report.events_without_contacts,
            duplicate_count=report.duplicate_count,
            duplicates=[DuplicateOut(where=d.where, name=d.name, other=d.other,
                                     other_name=d.other_name, reasons=list(d.reasons))
                        for d in report.duplicates],
            duplicate_records=[DuplicateRecordOut(record=d.record, where=d.where, name=d.name,
                                                  into=d.into, choice=d.choice)
                               for d in report.duplicate_records],
            contacts_merged=report.contacts_merged, contacts_skipped=report.contacts_skipped,
            new_people_count=report.new_people_count,
            new_people=[NewPersonOut(email=p.email, name=p.name, events=p.events,
                                     last_on=p.last_on, added=p.added)
                        for p in report.new_people],
            new_names=report.new_names,
            events=[EventOut(occurred_on=e.occurred_on, summary=e.summary, people=list(e.people))
                    for e in report.events],
            warning_count=report.warning_count,
            warnings=[WarningOut(where=w.where, message=w.message) for w in report.warnings])


class EvidenceOut(BaseModel):
    reason: str
    contacts: list[str]
    detail: str


class DuplicateSetOut(BaseModel):
    contacts: list[ContactOut]
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, found: DuplicateSet) -> DuplicateSetOut:
        return cls(contacts=[ContactOut.of(c) for c in found.contacts],
                   evidence=[EvidenceOut(reason=e.reason.value, contacts=list(e.keys),
                                         detail=e.detail) for e in found.evidence])


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep: str = Field(min_length=1, max_length=200, description="The contact kept (id).")
    others: list[str] = Field(min_length=1, max_length=50)
    take: dict[str, str] = Field(default_factory=dict, description="field → contact id")


class MergeOut(BaseModel):
    contact: ContactOut
    absorbed: list[str]
    interactions_moved: int
    interaction_count: int
    undo_id: str = Field(description="What `POST /api/v1/undo/{id}` takes to split them "
                                     "again (for 30 days).")

    @classmethod
    def of(cls, result: MergeResult) -> MergeOut:
        return cls(contact=ContactOut.of(result.contact),
                   absorbed=[c.id for c in result.absorbed],
                   interactions_moved=result.interactions_moved,
                   interaction_count=result.interaction_count, undo_id=result.undo_id)


class EraseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)


class EraseOut(BaseModel):
    matched: str
    contacts: list[str]
    interactions_removed: int
    interactions_kept: int

    @classmethod
    def of(cls, report: ErasureReport) -> EraseOut:
        return cls(matched=report.matched, contacts=list(report.contacts),
                   interactions_removed=report.interactions_removed,
                   interactions_kept=report.interactions_kept)


@router.post("/import", summary="Import a file (all of it or nothing); dry_run to preview")
def import_file(request: Request, kb: Services, me: CurrentMember, _slot: ImportSlot,
                file: Annotated[UploadFile, File(description="The file to import")],
                dry_run: Annotated[bool, Form()] = False,
                format: Annotated[str, Form(description="Override recognition")] = "",
                since: Annotated[date | None, Form(
                    description="Calendars: the first day to import")] = None,
                duplicates: Annotated[DuplicateChoice, Form(
                    description="A record that is likely a contact of the book: keep both, "
                                "merge it into that contact, or skip it")] = DuplicateChoice.KEEP,
                choices: Annotated[str, Form(
                    description="Per record, by its place in the file: `3=merge,7=skip`; "
                                "the others follow `duplicates`", max_length=20_000)] = "",
                add_people: Annotated[str, Form(
                    description="Calendars: emails of attendees not in the book to add as "
                                "contacts, comma-separated (a dry run lists them in "
                                "`new_people`)", max_length=100_000)] = ""
                ) -> ImportOut:
    if not file.filename:
        raise InvalidInput("send the file to import.", field="file")
    uploads = uploads_of(request)
    token, path = uploads.save(me.id, file.filename, file.file)
    try:
        report = kb.transfer.import_file(me.id, path, format=parse_format(format), dry_run=dry_run,
                                         since=since, duplicates=duplicates,
                                         choices=_choices(choices),
                                         add_people=[e for e in add_people.split(",") if e.strip()])
        return ImportOut.of(report)
    finally:
        uploads.forget(me.id, token)


def _choices(text: str) -> dict[int, DuplicateChoice]:
    pairs = [part.strip().partition("=")[::2] for part in text.split(",") if part.strip()]
    for key, _ in pairs:
        if not key.strip().isdigit():
            raise InvalidInput(f"{key.strip()[:20]!r} is not a record's place in the file; "
                               "write choices like 3=merge,7=skip.", field="choices")
    return record_choices({f"dup_{k.strip()}": v.strip() for k, v in pairs})


@router.get("/export", summary="Export the book: json (everything), vcard or csv",
            response_class=Response,
            responses={200: {"description": "The file, as an attachment",
                             "content": {f.media_type: {} for f in ExportFormat}}})
def export(kb: Services, me: CurrentMember,
           format: Annotated[ExportFormat, Query()] = ExportFormat.JSON) -> Response:
    return export_response(kb, me.id, format)


@router.get("/duplicates", summary="Sets of contacts that are likely one person")
def duplicates(kb: Services, me: CurrentMember,
               limit: Annotated[int, Query(ge=1, le=500)] = 50,
               offset: Annotated[int, Query(ge=0)] = 0) -> PageOut[DuplicateSetOut]:
    found = kb.transfer.list_duplicates(me.id)
    return PageOut[DuplicateSetOut](
        items=[DuplicateSetOut.of(s) for s in found[offset:offset + limit]],
        total=len(found), limit=limit, offset=offset)


@router.post("/merge", summary="Merge contacts; every interaction moves to the one kept")
def merge(body: MergeIn, kb: Services, me: CurrentMember) -> MergeOut:
    return MergeOut.of(kb.transfer.merge_contacts(me.id, body.keep, body.others, take=body.take))


@router.post("/erase", summary="Erase a person from the book by email or phone")
def erase(body: EraseIn, kb: Services, me: CurrentMember) -> EraseOut:
    return EraseOut.of(kb.transfer.erase_person(me.id, email=body.email, phone=body.phone))
