"""Community pages: log in and out, accept an invitation, invite, API tokens, admin lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kithbook.domain.accounts import TooManyAttempts
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.members import Role
from kithbook.web.auth import Community, CsrfRefused, community_of, safe_next, same_site
from kithbook.web.deps import CurrentMember, Services
from kithbook.web.pages.book import form_of, render, see

router = APIRouter(include_in_schema=False)


def _community(request: Request) -> Community:
    community = community_of(request)
    assert community is not None, "these routes exist only in community mode"
    return community


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def invitation_link(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/invitations/{token}"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request,
               next: Annotated[str, Query(max_length=2000)] = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "form": {}})


@router.post("/login", response_class=HTMLResponse)
async def log_in(request: Request, kb: Services) -> Response:
    if not same_site(request):
        raise CsrfRefused
    community = _community(request)
    form = await form_of(request)
    target = safe_next(form.get("next"))
    try:
        _, session = kb.log_in(form.get("email", ""), form.get("password", ""),
                               _address(request), replacing=community.session_of(request))
    except (InvalidInput, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 422
        response = render(request, "login.html", {
            "next": target, "form": {"email": form.get("email", "")}, "error": exc},
            status_code=status)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    moved = RedirectResponse(target, status_code=303)
    community.set_session(moved, session)
    return moved


@router.post("/logout")
def log_out(request: Request, kb: Services, me: CurrentMember) -> Response:
    community = _community(request)
    session = community.session_of(request)
    if session:
        kb.log_out(session)
    response = RedirectResponse("/login", status_code=303)
    community.clear_session(response)
    return response


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(token: str, request: Request, kb: Services) -> HTMLResponse:
    return render(request, "accept.html", {"invitation": kb.invitation(token), "form": {}})


@router.post("/invitations/{token}", response_class=HTMLResponse)
async def accept_invitation(token: str, request: Request, kb: Services) -> Response:
    if not same_site(request):
        raise CsrfRefused
    community = _community(request)
    form = await form_of(request)
    invitation = kb.invitation(token)
    try:
        _, session = kb.accept_invitation(token, form.get("name", ""), form.get("password", ""),
                                          replacing=community.session_of(request))
    except InvalidInput as exc:
        return render(request, "accept.html", {
            "invitation": invitation, "form": {"name": form.get("name", "")}, "error": exc},
            status_code=422)
    response = RedirectResponse("/", status_code=303)
    community.set_session(response, session)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _account(request, kb, me)


def _account(request: Request, kb: Services, me: CurrentMember, *, new_token: str | None = None,
             error: KithbookError | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "account.html", {
        "me": me, "tokens": kb.api_tokens(me.id), "new_token": new_token, "error": error,
        "is_admin": me.role is Role.ADMIN}, status_code=status_code)


@router.post("/account/tokens", response_class=HTMLResponse)
async def create_token(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    form = await form_of(request)
    try:
        _, raw = kb.create_api_token(me.id, form.get("name", ""))
    except InvalidInput as exc:
        return _account(request, kb, me, error=exc, status_code=422)
    # Shown on this one answer and never again: only its hash is kept.
    return _account(request, kb, me, new_token=raw)


@router.post("/account/tokens/{token_id}/delete")
def revoke_token(token_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.revoke_api_token(me.id, token_id)
    return see("/account", "revoked")


@router.get("/invite", response_class=HTMLResponse)
def invite_page(request: Request, me: CurrentMember) -> HTMLResponse:
    return render(request, "invite.html", {"form": {}, "is_admin": me.role is Role.ADMIN})


@router.post("/invite", response_class=HTMLResponse)
async def invite(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    form = await form_of(request)
    role = Role.ADMIN if form.get("role") == "admin" else Role.MEMBER
    context = {"form": form, "is_admin": me.role is Role.ADMIN}
    try:
        invitation, token = kb.invite(me.id, form.get("email", ""), role=role)
    except InvalidInput as exc:
        return render(request, "invite.html", {**context, "error": exc}, status_code=422)
    return render(request, "invite.html", {
        **context, "form": {}, "invited": invitation, "link": invitation_link(request, token)})


@router.get("/admin/members", response_class=HTMLResponse)
def members_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return render(request, "admin_members.html", {"rows": kb.community_members(me.id),
                                                  "me": me})


@router.post("/admin/members/{member_id}/inviting")
async def allow_inviting(member_id: str, request: Request, kb: Services,
                         me: CurrentMember) -> Response:
    form = await form_of(request)
    kb.allow_inviting(me.id, member_id, form.get("allowed") == "on")
    return see("/admin/members", "saved")


@router.get("/admin/invitations", response_class=HTMLResponse)
def invitations_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return render(request, "admin_invitations.html", {
        "invitations": kb.invitations(me.id), "now": kb.clock.now()})


