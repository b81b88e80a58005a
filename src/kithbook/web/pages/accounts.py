"""Community pages: log in and out, accept an invitation, invite, your account (password,
sessions, API tokens, the weekly digest), password reset, and the admin pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kithbook.domain.accounts import TooManyAttempts
from kithbook.domain.errors import InvalidInput, KithbookError
from kithbook.domain.members import Role
from kithbook.services.facade import Kithbook
from kithbook.web.auth import (
    Community,
    CsrfRefused,
    client_address,
    community_of,
    safe_next,
    same_site,
    user_agent,
)
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import render, see
from kithbook.web.pages.forms import optional_int

router = APIRouter(include_in_schema=False)


def _community(request: Request) -> Community:
    community = community_of(request)
    assert community is not None, "these routes exist only in community mode"
    return community


NOTICES = {
    "revoked": "Revoked.", "ended": "That session is signed out.",
    "digest_on": "The weekly digest is on: it comes by email and here once a week.",
    "digest_off": "The weekly digest is off.",
    "password_changed": "Password changed. Every other session was signed out.",
    "password_reset": "Password changed. Sign in with the new one.",
    "everywhere": "Signed out everywhere.", "settings_saved": "Community settings saved.",
}


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _lifetime(kb: Kithbook) -> timedelta:
    return kb.accounts.session_policy.lifetime


def invitation_link(kb: Kithbook, token: str) -> str:
    """From the configured public URL, never the request's `Host`, which the client
    chooses: a link built from it could send the invitee to another site."""
    return f"{kb.settings.public_url.rstrip('/')}/invitations/{token}"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, kb: Services,
               next: Annotated[str, Query(max_length=2000)] = "/") -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "form": {},
                                          "community_name": kb.community.community_name(),
                                          "notice": _notice(request)})


@router.post("/login", response_class=HTMLResponse)
def log_in(request: Request, kb: Services, form: FormFields) -> Response:
    if not same_site(request):
        raise CsrfRefused
    community = _community(request)
    target = safe_next(form.get("next"))
    try:
        _, session = kb.accounts.log_in(form.get("email", ""), form.get("password", ""),
                                        client_address(request),
                                        replacing=community.session_of(request),
                                        user_agent=user_agent(request))
    except (InvalidInput, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 422
        response = render(request, "login.html", {
            "next": target, "form": {"email": form.get("email", "")}, "error": exc,
            "community_name": kb.community.community_name()},
            status_code=status)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    moved = RedirectResponse(target, status_code=303)
    community.set_session(moved, session, _lifetime(kb))
    return moved


@router.post("/logout")
def log_out(request: Request, kb: Services, me: CurrentMember) -> Response:
    community = _community(request)
    session = community.session_of(request)
    if session:
        kb.accounts.log_out(session)
    response = RedirectResponse("/login", status_code=303)
    community.clear_session(response)
    return response


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_page(token: str, request: Request, kb: Services) -> HTMLResponse:
    return render(request, "accept.html", {"invitation": kb.accounts.invitation(token), "form": {}})


@router.post("/invitations/{token}", response_class=HTMLResponse)
def accept_invitation(token: str, request: Request, kb: Services, form: FormFields) -> Response:
    if not same_site(request):
        raise CsrfRefused
    community = _community(request)
    invitation = kb.accounts.invitation(token)
    try:
        _, session = kb.accounts.accept_invitation(token, form.get("name", ""),
                                                   form.get("password", ""),
                                                   replacing=community.session_of(request),
                                                   user_agent=user_agent(request))
    except InvalidInput as exc:
        return render(request, "accept.html", {
            "invitation": invitation, "form": {"name": form.get("name", "")}, "error": exc},
            status_code=422)
    response = RedirectResponse("/", status_code=303)
    community.set_session(response, session, _lifetime(kb))
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _account(request, kb, me)


def _account(request: Request, kb: Services, me: CurrentMember, *, new_token: str | None = None,
             error: KithbookError | None = None, status_code: int = 200) -> HTMLResponse:
    session = _community(request).session_of(request)
    # A password mistake is shown beside the password form, not at the top of the page.
    about_password = error is not None and error.field in ("current_password", "password",
                                                           None)
    return render(request, "account.html", {
        "me": me, "tokens": kb.accounts.api_tokens(me.id), "new_token": new_token,
        "error": None if about_password else error,
        "password_error": error if about_password else None,
        "is_admin": me.role is Role.ADMIN, "sessions": kb.accounts.my_sessions(me.id, session),
        "weekly_digest": kb.notices.weekly_digest_wanted(me.id), "notice": _notice(request)},
        status_code=status_code)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, kb: Services, me: CurrentMember,
                 form: FormFields) -> HTMLResponse:
    try:
        _, raw = kb.accounts.create_api_token(me.id, form.get("name", ""))
    except InvalidInput as exc:
        return _account(request, kb, me, error=exc, status_code=422)
    # Shown on this one answer and never again: only its hash is kept.
    return _account(request, kb, me, new_token=raw)


@router.post("/account/tokens/{token_id}/delete")
def revoke_token(token_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.accounts.revoke_api_token(me.id, token_id)
    return see("/account", "revoked")


@router.post("/account/digest")
def set_digest(kb: Services, me: CurrentMember, form: FormFields) -> Response:
    wanted = form.get("weekly_digest") == "on"
    kb.notices.set_weekly_digest(me.id, wanted)
    return see("/account", "digest_on" if wanted else "digest_off")


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, kb: Services, me: CurrentMember,
                    form: FormFields) -> Response:
    community = _community(request)
    try:
        fresh = kb.accounts.change_password(me.id, form.get("current_password", ""),
                                            form.get("password", ""),
                                            session=community.session_of(request),
                                            user_agent=user_agent(request))
    except (InvalidInput, TooManyAttempts) as exc:
        return _account(request, kb, me, error=exc,
                        status_code=429 if isinstance(exc, TooManyAttempts) else 422)
    response = see("/account", "password_changed")
    if fresh:
        community.set_session(response, fresh, _lifetime(kb))
    return response


@router.post("/account/sessions/{session_id}/delete")
def end_session(session_id: str, request: Request, kb: Services, me: CurrentMember) -> Response:
    community = _community(request)
    current = {s.id for s in kb.accounts.my_sessions(me.id,
                                                     community.session_of(request)) if s.current}
    kb.accounts.end_my_session(me.id, session_id)
    if session_id in current:
        response = RedirectResponse("/login", status_code=303)
        community.clear_session(response)
        return response
    return see("/account", "ended")


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, kb: Services, me: CurrentMember) -> Response:
    community = _community(request)
    kb.accounts.sign_out_everywhere(me.id)
    response = see("/login", "everywhere")
    community.clear_session(response)
    return response


@router.get("/password-reset", response_class=HTMLResponse)
def reset_request_page(request: Request) -> HTMLResponse:
    return render(request, "reset_request.html", {"form": {}})


@router.post("/password-reset", response_class=HTMLResponse)
def request_reset(request: Request, kb: Services, form: FormFields) -> Response:
    if not same_site(request):
        raise CsrfRefused
    try:
        sent = kb.accounts.request_password_reset(form.get("email", ""), client_address(request))
    except (InvalidInput, TooManyAttempts) as exc:
        response = render(request, "reset_request.html", {"form": form, "error": exc},
                          status_code=429 if isinstance(exc, TooManyAttempts) else 422)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return render(request, "reset_request.html", {"form": {}, "sent": sent})


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_page(token: str, request: Request, kb: Services) -> HTMLResponse:
    kb.accounts.password_reset(token)  # a spent, expired or made-up link: one answer, 404
    return render(request, "reset.html", {})


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset_password(token: str, request: Request, kb: Services, form: FormFields) -> Response:
    if not same_site(request):
        raise CsrfRefused
    community = _community(request)
    try:
        kb.accounts.reset_password(token, form.get("password", ""))
    except InvalidInput as exc:
        return render(request, "reset.html", {"error": exc}, status_code=422)
    response = see("/login", "password_reset")
    community.clear_session(response)
    return response


@router.get("/invite", response_class=HTMLResponse)
def invite_page(request: Request, me: CurrentMember) -> HTMLResponse:
    return render(request, "invite.html", {"form": {}, "is_admin": me.role is Role.ADMIN})


@router.post("/invite", response_class=HTMLResponse)
def invite(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> HTMLResponse:
    role = Role.ADMIN if form.get("role") == "admin" else Role.MEMBER
    context = {"form": form, "is_admin": me.role is Role.ADMIN}
    try:
        invitation, token = kb.accounts.invite(me.id, form.get("email", ""), role=role)
    except InvalidInput as exc:
        return render(request, "invite.html", {**context, "error": exc}, status_code=422)
    return render(request, "invite.html", {
        **context, "form": {}, "invited": invitation, "link": invitation_link(kb, token)})


@router.get("/admin/members", response_class=HTMLResponse)
def members_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return render(request, "admin_members.html", {"rows": kb.community.community_members(me.id),
                                                  "me": me})


@router.post("/admin/members/{member_id}/inviting")
def allow_inviting(member_id: str, request: Request, kb: Services,
                   me: CurrentMember, form: FormFields) -> Response:
    kb.community.allow_inviting(me.id, member_id, form.get("allowed") == "on")
    return see("/admin/members", "saved")


@router.get("/admin/invitations", response_class=HTMLResponse)
def invitations_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return render(request, "admin_invitations.html", {
        "invitations": kb.community.invitations(me.id), "now": kb.clock.now()})


@router.get("/admin/settings", response_class=HTMLResponse)
def community_settings_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _community_settings(request, kb, me)


def _community_settings(request: Request, kb: Kithbook, me: CurrentMember, *,
                        form: dict[str, str] | None = None, error: KithbookError | None = None,
                        status_code: int = 200) -> HTMLResponse:
    return render(request, "admin_settings.html", {
        "settings": kb.community.community_settings(me.id), "form": form, "error": error,
        "notice": _notice(request)}, status_code=status_code)


@router.post("/admin/settings", response_class=HTMLResponse)
def save_community_settings(request: Request, kb: Services,
                            me: CurrentMember, form: FormFields) -> Response:
    kb.community.community_settings(me.id)  # a member is refused before their form is used
    try:
        kb.community.change_community_settings(
            me.id, name=form.get("name"),
            members_may_invite=form.get("members_may_invite") == "on",
            invitation_days=optional_int(form, "invitation_days", "Invitation days"),
            mail_sender_name=form.get("mail_sender_name"))
    except InvalidInput as exc:
        return _community_settings(request, kb, me, form=form, error=exc, status_code=422)
    return see("/admin/settings", "settings_saved")
