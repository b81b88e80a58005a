"""The Sync page: CardDAV accounts (add one, its last run, counts and error in plain
words, sync now), the conflicts with both values and a choice for each, and the safety
stop's "yes, delete". Syncs run in the background workers, never inside a request;
adding an account finds its address books once, in the thread pool."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.ids import MemberId
from kithbook.domain.sync import DEFAULT_MAX_DELETE_SHARE, shown
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)

_NOTICES = {"added": "Added. It syncs in the background within a minute, then every 15 "
                     "minutes.",
            "queued": "Queued: the background workers sync it within a minute.",
            "allowed": "Queued, with the deletes allowed this once.",
            "resolved": "Kept. The next sync carries it to the other side."}


@router.get("/sync", response_class=HTMLResponse)
def sync_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _page(request, kb, me.id)


def _page(request: Request, kb: Services, member: MemberId, *,
          form: dict[str, str] | None = None, error: KithbookError | None = None,
          status_code: int = 200) -> HTMLResponse:
    sync = kb.sync()
    return render(request, "sync.html", {
        "accounts": sync.sources(member), "conflicts": sync.conflicts(member),
        "shown": shown, "error": error, "nav": "sync",
        "form": {k: v for k, v in (form or {}).items() if k != "password"},
        "default_share": round(DEFAULT_MAX_DELETE_SHARE * 100),
        "notice": _NOTICES.get(request.query_params.get("done") or "")},
        status_code=status_code)


@router.post("/sync/carddav", response_class=HTMLResponse)
def add_carddav(request: Request, kb: Services, me: CurrentMember,
                form: FormFields) -> Response:
    try:
        share = form.get("max_delete", "").strip()
        if share and not share.replace(".", "", 1).isdigit():
            raise InvalidInput("the share a sync may delete is a percentage, such as 10.",
                               field="max_delete")
        kb.sync().add_carddav(
            me.id, url=form.get("url", ""), username=form.get("username", ""),
            password=form.get("password", ""), book=form.get("book", "").strip() or None,
            tags=tuple(t for t in form.get("tags", "").split(",") if t.strip()),
            max_delete_share=float(share) / 100 if share else DEFAULT_MAX_DELETE_SHARE,
            label=form.get("label", "").strip() or None, scheduled=True)
    except KithbookError as exc:
        return _page(request, kb, me.id, form=form, error=exc, status_code=422)
    return see("/sync", "added")


@router.post("/sync/{source_id}/run")
def run_now(source_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.sync().schedule_now(me.id, source_id)
    return see("/sync", "queued")


@router.post("/sync/{source_id}/allow-deletes")
def allow_deletes(source_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.sync().allow_deletes_once(me.id, source_id)
    return see("/sync", "allowed")


@router.post("/sync/conflicts/{conflict_id}", response_class=HTMLResponse)
def resolve(conflict_id: str, request: Request, kb: Services, me: CurrentMember,
            form: FormFields) -> Response:
    try:
        kb.sync().resolve(me.id, conflict_id, form.get("keep", ""))
    except InvalidInput as exc:
        return _page(request, kb, me.id, error=exc, status_code=422)
    return see("/sync", "resolved")
