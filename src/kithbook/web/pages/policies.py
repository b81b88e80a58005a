"""Settings (your profile and default sharing rules) and one contact's sharing rule."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import MemberId
from kithbook.domain.policies import PolicyChange, parse_ask_rule, parse_visibility
from kithbook.domain.ties import AskRule, Visibility
from kithbook.services.facade import Kithbook
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import render, see
from kithbook.web.pages.forms import optional_int

router = APIRouter(include_in_schema=False)

NOTICES = {"saved": "Saved. Your rules apply from now on.",
           "profile_saved": "Profile saved.",
           "defaults": "This contact follows your defaults again."}
CHOICES = {"visibilities": list(Visibility), "ask_rules": list(AskRule)}


def _render(request: Request, template: str, context: dict[str, Any],
            status_code: int = 200) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("done", ""))
    return render(request, template, {**context, **CHOICES, "notice": notice}, status_code)


def _change(form: dict[str, str], *, for_contact: bool) -> PolicyChange:
    """The whole rule a form states; the minimum trust belongs to the 'trusted' choice."""
    ask_rule = parse_ask_rule(form.get("ask_rule", ""))
    min_trust = optional_int(form, "ask_min_trust", "Minimum trust")
    change = PolicyChange(visibility=parse_visibility(form.get("visibility", "")),
                          ask_rule=ask_rule,
                          ask_min_trust=min_trust if ask_rule is AskRule.TRUSTED else None)
    if not for_contact:
        return change
    welcomes = form.get("welcomes", "").strip()
    return PolicyChange(visibility=change.visibility, ask_rule=change.ask_rule,
                        ask_min_trust=change.ask_min_trust,
                        no_introductions=form.get("no_introductions") == "on",
                        welcomes=welcomes or None, clear_welcomes=not welcomes)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _settings(request, kb, me.id)


def _settings(request: Request, kb: Kithbook, member: MemberId, *,
              form: dict[str, str] | None = None, error: InvalidInput | None = None,
              profile_form: dict[str, str] | None = None,
              profile_error: InvalidInput | None = None) -> HTMLResponse:
    return settings_with(request, kb, member, form=form, error=error,
                         profile_form=profile_form, profile_error=profile_error)


def settings_with(request: Request, kb: Kithbook, member: MemberId, *,
                  form: dict[str, str] | None = None, error: InvalidInput | None = None,
                  profile_form: dict[str, str] | None = None,
                  profile_error: InvalidInput | None = None,
                  feed_url: str | None = None, feed_error: InvalidInput | None = None,
                  feed_notice: str | None = None) -> HTMLResponse:
    """The Settings page; a feed address just made is shown here, once."""
    return _render(request, "settings.html", {
        "nav": "settings", "policy": kb.book.default_policy(member), "form": form or {},
        "error": error, "fair_use": kb.intros.fair_use_status(member),
        "cooldown_days": kb.intros.fair_use.cooldown_after_decline.days,
        "profile": kb.accounts.profile(member), "profile_form": profile_form,
        "profile_error": profile_error, "feed": kb.notices.feed_address(member),
        "feed_url": feed_url, "feed_error": feed_error, "feed_notice": feed_notice},
        422 if error or profile_error or feed_error else 200)


@router.post("/settings", response_class=HTMLResponse)
def save_settings(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        kb.book.set_default_policy(me.id, _change(form, for_contact=False))
    except InvalidInput as error:
        return _settings(request, kb, me.id, form=form, error=error)
    return see("/settings", "saved")


@router.post("/settings/profile", response_class=HTMLResponse)
def save_profile(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        kb.accounts.set_profile(me.id, name=form.get("name"), organization=form.get("organization",
                                                                                    ""),
                                title=form.get("title", ""))
    except InvalidInput as error:
        return _settings(request, kb, me.id, profile_form=form, profile_error=error)
    return see("/settings", "profile_saved")


@router.get("/contacts/{contact_id}/sharing", response_class=HTMLResponse)
def sharing_page(contact_id: str, request: Request, kb: Services,
                 me: CurrentMember) -> HTMLResponse:
    return _sharing(request, kb, me.id, contact_id)


def _sharing(request: Request, kb: Kithbook, member: MemberId, contact_id: str, *,
             form: dict[str, str] | None = None,
             error: InvalidInput | None = None) -> HTMLResponse:
    return _render(request, "sharing.html", {
        "shown": kb.book.contact_policy(member, contact_id, exact=True), "form": form or {},
        "error": error},
        422 if error else 200)


@router.post("/contacts/{contact_id}/sharing", response_class=HTMLResponse)
def save_sharing(contact_id: str, request: Request, kb: Services,
                 me: CurrentMember, form: FormFields) -> Response:
    follow = form.get("follow_defaults") == "yes"
    try:
        kb.book.set_contact_policy(me.id, contact_id, PolicyChange() if follow
                                   else _change(form, for_contact=True), follow_defaults=follow,
                                   exact=True)
    except InvalidInput as error:
        return _sharing(request, kb, me.id, contact_id, form=form, error=error)
    return see(f"/contacts/{contact_id}/sharing", "defaults" if follow else "saved")
