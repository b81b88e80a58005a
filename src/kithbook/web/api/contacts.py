"""/api/v1/contacts and /api/v1/interactions: the book."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request, Response, status

from kithbook.domain.errors import Conflict
from kithbook.domain.ties import StageKey
from kithbook.services.book import ContactView
from kithbook.services.ports import ContactQuery, Sort
from kithbook.web.api.schemas import (
    ERRORS,
    ContactDetailOut,
    ContactIn,
    ContactListItem,
    ContactOut,
    ContactPatch,
    DateIn,
    DateOut,
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    PageOut,
    contact_page_json,
)
from kithbook.web.deps import CurrentMember, Services, answered
from kithbook.web.errors import PreconditionFailed
from kithbook.web.pictures import photo_response

router = APIRouter(prefix="/api/v1", tags=["book"], responses=ERRORS)
T = TypeVar("T")


def etag(version: int) -> str:
    return f'"v{version}"'


def _unless_changed(expected: int | None, edit: Callable[[], T]) -> T:
    """An edit sent with `If-Match` answers 412 when the object changed since."""
    try:
        return edit()
    except Conflict as exc:
        if expected is None:
            raise
        raise PreconditionFailed(exc.message) from None


def version_from(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.startswith("v") or not text[1:].isdigit():
        raise PreconditionFailed(f"If-Match must be an ETag this API gave, like {etag(3)}.",
                                 field="If-Match")
    return int(text[1:])


@router.get("/contacts", summary="List or search the book",
            description="Each item carries the tie's strength (0–1) and stage as of today.",
            response_model=PageOut[ContactListItem])
async def list_contacts(
    request: Request, kb: Services, me: CurrentMember, background: BackgroundTasks,
    q: Annotated[str | None, Query(max_length=200, description="Words to look for")] = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    organization: Annotated[str | None, Query(max_length=300)] = None,
    role: Annotated[str | None, Query(max_length=300)] = None,
    location: Annotated[str | None, Query(max_length=300)] = None,
    stage: Annotated[StageKey | None, Query(
        description="Only ties at this stage: new (acquaintance), contact, relationship, "
                    "trusted")] = None,
    sort: Annotated[Sort, Query(
        description="name; recent (last in touch first); added (newest first); "
                    "strength (strongest tie first)")] = Sort.NAME,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    query = ContactQuery(text=q, tag=tag, organization=organization, role=role,
                         location=location, stage=stage.stage if stage else None, sort=sort,
                         limit=limit, offset=offset)
    page = await answered(request, lambda: kb.book.read_contacts(me.id, query),
                          lambda: kb.book.list_contacts(me.id, query, wait_for_day=False))
    if page.stale_strengths:  # renewed after answering, not while the client waits
        background.add_task(kb.depth.refresh_strengths, me.id)
    return Response(contact_page_json(page), media_type="application/json")


@router.post("/contacts", status_code=status.HTTP_201_CREATED, summary="Add a contact")
def add_contact(body: ContactIn, kb: Services, me: CurrentMember,
                response: Response) -> ContactOut:
    contact = kb.book.add_contact(me.id, body.fields(), body.tie())
    response.headers["ETag"] = etag(contact.version)
    response.headers["Location"] = f"/api/v1/contacts/{contact.id}"
    return ContactOut.of(contact)


@router.get("/contacts/{contact_id}", summary="One contact, the relationship and its timeline")
async def get_contact(contact_id: str, request: Request, kb: Services, me: CurrentMember,
                      response: Response) -> ContactDetailOut:
    def read() -> ContactView:
        return kb.book.get_contact(me.id, contact_id)

    view = await answered(request, lambda: kb.at_once(read), read)
    response.headers["ETag"] = etag(view.contact.version)
    return ContactDetailOut.of(view)


@router.get("/contacts/{contact_id}/photo", summary="A contact's picture",
            response_class=Response,
            responses={200: {"description": "The picture: JPEG, PNG, GIF or WebP",
                             "content": {t: {} for t in ("image/jpeg", "image/png",
                                                         "image/gif", "image/webp")}}})
def contact_photo(contact_id: str, kb: Services, me: CurrentMember) -> Response:
    return photo_response(kb.book.contact_photo(me.id, contact_id))


@router.patch("/contacts/{contact_id}", summary="Change a contact",
              description="Send `If-Match` with the ETag you read to refuse lost updates "
                          "(412 when someone changed it meanwhile).")
def edit_contact(contact_id: str, body: ContactPatch, kb: Services, me: CurrentMember,
                 response: Response,
                 if_match: Annotated[str | None, Header()] = None) -> ContactOut:
    expected = version_from(if_match)
    contact = _unless_changed(expected, lambda: kb.book.edit_contact(
        me.id, contact_id, body.fields(), body.tie(), expected_version=expected, exact=True))
    response.headers["ETag"] = etag(contact.version)
    return ContactOut.of(contact)


@router.delete("/contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a contact and the interactions that involved only them",
               description="It is kept for 30 days: the `Kithbook-Undo` header of the answer "
                           "is what `POST /api/v1/undo/{id}` takes to put it back.")
def delete_contact(contact_id: str, kb: Services, me: CurrentMember,
                   response: Response) -> None:
    removed = kb.book.delete_contact(me.id, contact_id, exact=True)
    response.headers["Kithbook-Undo"] = removed.undo_id


@router.post("/interactions", status_code=status.HTTP_201_CREATED,
             summary="Log an interaction with one or more contacts")
def log_interaction(body: InteractionIn, kb: Services, me: CurrentMember) -> InteractionOut:
    return InteractionOut.of(kb.book.log_interaction(me.id, body.contact_ids, body.kind,
                                                     body.direction, body.occurred_on, body.note,
                                                     exact=True))


@router.delete("/interactions/{interaction_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a logged interaction",
               description="It is kept for 30 days: the `Kithbook-Undo` header of the answer "
                           "is what `POST /api/v1/undo/{id}` takes to put it back.")
def delete_interaction(interaction_id: str, kb: Services, me: CurrentMember,
                       response: Response) -> None:
    removed = kb.book.delete_interaction(me.id, interaction_id)
    response.headers["Kithbook-Undo"] = removed.undo_id


@router.patch("/interactions/{interaction_id}", summary="Change a logged interaction",
              description="Fields left out stay as they are; `contact_ids` replaces the "
                          "people, an empty `note` clears it. Send `If-Match` with the ETag "
                          "you read to refuse lost updates (412).")
def edit_interaction(interaction_id: str, body: InteractionPatch, kb: Services,
                     me: CurrentMember, response: Response,
                     if_match: Annotated[str | None, Header()] = None) -> InteractionOut:
    expected = version_from(if_match)
    edited = _unless_changed(expected, lambda: kb.book.edit_interaction(
        me.id, interaction_id, body.change(), expected_version=expected, exact=True))
    response.headers["ETag"] = etag(edited.version)
    return InteractionOut.of(edited)


@router.post("/contacts/{contact_id}/dates", summary="Set a birthday, anniversary or named "
             "date", description="A date of the same name (or named by `replacing`) is "
                                 "replaced. Answers all the contact's dates.")
def set_date(contact_id: str, body: DateIn, kb: Services, me: CurrentMember) -> list[DateOut]:
    _, dates = kb.book.set_date(me.id, contact_id, body.value(kb.clock.today()),
                                replacing=body.replacing, exact=True)
    return [DateOut.of(d) for d in dates]


@router.delete("/contacts/{contact_id}/dates/{what}", summary="Remove an important date",
               description="`what` is birthday, anniversary or the date's label. Answers "
                           "the dates left.")
def remove_date(contact_id: str, what: str, kb: Services,
                me: CurrentMember) -> list[DateOut]:
    _, dates = kb.book.remove_date(me.id, contact_id, what, exact=True)
    return [DateOut.of(d) for d in dates]
