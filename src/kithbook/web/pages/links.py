"""Member links on a page: propose, confirm, decline or unlink."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.errors import KithbookError
from kithbook.domain.ids import MemberId
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)


@router.get("/links", response_class=HTMLResponse)
def links_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _links(request, kb, me.id)


def _links(request: Request, kb: Services, member: MemberId, *, form: dict[str, str] | None = None,
           error: KithbookError | None = None, status_code: int = 200) -> HTMLResponse:
    done = request.query_params.get("done")
    return render(request, "links.html", {
        "links": kb.community.member_links(member),
        "form": form or {}, "error": error, "nav": "links",
        "notice": {"asked": "If that email belongs to a member, they are asked to confirm.",
                   "linked": "Linked.", "unlinked": "Unlinked, everywhere at once."
                   }.get(done or "")}, status_code=status_code)


@router.post("/links", response_class=HTMLResponse)
def propose(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        kb.community.propose_link(me.id, form.get("contact", ""), form.get("email", ""))
    except KithbookError as exc:
        return _links(request, kb, me.id, form=form, error=exc, status_code=422)
    return see("/links", "asked")


@router.post("/links/{link_id}/confirm")
def confirm(link_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.community.confirm_link(me.id, link_id)
    return see("/links", "linked")


@router.post("/links/{link_id}/unlink")
def unlink(link_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.community.unlink(me.id, link_id)
    return see("/links", "unlinked")
