"""Introductions: the inbox and outbox, one request with its history, the moves its
reader may make, the risk brief and the email drafts; and recording a new request."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.drafts import Draft
from kithbook.domain.errors import KithbookError, NotAllowed, NotFound
from kithbook.domain.ids import MemberId
from kithbook.domain.introductions import IntroView, Role, parse_rating
from kithbook.domain.risk_brief import RiskBrief
from kithbook.services.facade import Kithbook
from kithbook.services.introductions import Box, DraftKind
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.errors import status_of
from kithbook.web.pages.book import render, see
from kithbook.web.pages.forms import optional_int

router = APIRouter(include_in_schema=False)

NOTICES = {
    "recorded": "Recorded. It is in your introductions now.",
    "forward": "Forwarded. Send the ask below, then record the answer here.",
    "decline": "Declined. A private reason stays with you.",
    "accept": "Made. Time to introduce them: the email is below.",
    "make": "Made. Time to introduce them: the email is below.",
    "withdraw": "Withdrawn.",
    "made": "Made. The introducer writes to you both; record how it went when you know.",
    "outcome": "Outcome recorded. Thank you: it keeps everyone's record honest.",
    "asked_by_email": "Asked by email. You will be told here when they answer.",
    "send-introduction": "Sent: the introduction is on its way to both of them.",
}
DRAFT_TITLES = {DraftKind.ASK: "Ask the target first",
                DraftKind.INTRODUCTION: "Introduce them to each other"}


class PageMove(StrEnum):
    FORWARD = "forward"
    DECLINE = "decline"
    ACCEPT = "accept"
    MAKE = "make"
    WITHDRAW = "withdraw"
    OUTCOME = "outcome"
    SEND_INTRODUCTION = "send-introduction"  # Kithbook emails both, in your name


def _render(request: Request, template: str, context: dict[str, Any],
            status_code: int = 200) -> HTMLResponse:
    done = request.query_params.get("done", "")
    if done in (PageMove.ACCEPT, PageMove.MAKE) and not context.get("drafts", True):
        done = "made"  # only the introducer has the email to send; say what comes next
    return render(request, template,
                  {**context, "nav": "intros", "notice": NOTICES.get(done)}, status_code)


@router.get("/introductions", response_class=HTMLResponse)
def intros_page(request: Request, kb: Services, me: CurrentMember,
                box: Box = Box.INBOX) -> HTMLResponse:
    kb.intros.expire_due()
    page = kb.intros.introductions_page(me.id, box)
    return _render(request, "intros.html", {
        "views": page.views, "box": box.value, "emailed": page.emailed,
        "fair_use": page.fair_use})


@router.get("/introductions/new", response_class=HTMLResponse)
def new_page(request: Request, me: CurrentMember, contact: str = "") -> HTMLResponse:
    return _new(request, {"target": contact[:200], "introducer": contact[:200]})


def _new(request: Request, form: dict[str, str], error: KithbookError | None = None
         ) -> HTMLResponse:
    # A name that matches no contact is a mistake in the form, not a missing page.
    status = 200 if error is None else 422 if isinstance(error, NotFound) else status_of(error)
    return _render(request, "intro_new.html", {"form": form, "error": error}, status)


@router.post("/introductions/new", response_class=HTMLResponse)
def record_request(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    text = {key: value.strip() for key, value in form.items()}
    try:
        if text.get("kind") == "asked":
            view = kb.intros.record_asked_request(
                me.id, text.get("introducer", ""), text.get("target_name", ""),
                text.get("purpose", ""), target_email=text.get("target_email") or None,
                note=text.get("note") or None)
        else:
            view = kb.intros.record_received_request(
                me.id, text.get("requester_name", ""), text.get("target", ""),
                text.get("purpose", ""), requester_email=text.get("requester_email") or None,
                note=text.get("note") or None)
    except KithbookError as error:
        return _new(request, form, error)
    return see(f"/introductions/{view.id}", "recorded")


@router.get("/introductions/{intro_id}", response_class=HTMLResponse)
def intro_page(intro_id: str, request: Request, kb: Services,
               me: CurrentMember) -> HTMLResponse:
    return _intro(request, kb, me.id, intro_id)


def _intro(request: Request, kb: Kithbook, member: MemberId, intro_id: str, *,
           form: dict[str, str] | None = None, error: KithbookError | None = None
           ) -> HTMLResponse:
    view = kb.intros.show(member, intro_id)
    return _render(request, "intro.html", {
        "v": view, "brief": _brief(kb, member, view),
        "email": kb.intros.email_status(member, view.id), "can_email": kb.mailer is not None,
        "reply_on": kb.intros.captured_reply(member, view.id),
        "can_ask": kb.mailer is not None and _can_ask(kb, member, view),
        "drafts": _drafts(kb, member, view), "form": form or {}, "error": error,
        "reasons": {r.move_index: r.text for r in view.private_reasons},
    }, status_of(error) if error else 200)


def _can_ask(kb: Kithbook, member: MemberId, view: IntroView) -> bool:
    try:  # the services decide: the introducer, a target off Kithbook with an email
        kb.intros.ask_preview(member, view.id)
    except KithbookError:
        return False
    return True


def _brief(kb: Kithbook, member: MemberId, view: IntroView) -> RiskBrief | None:
    try:  # the services decide who reads a brief: the introducer
        return kb.intros.risk_brief(member, view.id)
    except NotAllowed:
        return None


def _drafts(kb: Kithbook, member: MemberId, view: IntroView) -> list[tuple[str, Draft]]:
    drafts = []
    for kind in DraftKind:
        try:  # the introducer's, and only those that fit the state
            drafts.append((DRAFT_TITLES[kind], kb.intros.draft_email(member, view.id, kind)))
        except NotAllowed:
            continue
    return drafts


@router.post("/introductions/{intro_id}/{move}", response_class=HTMLResponse)
def make_move(intro_id: str, move: PageMove, request: Request, kb: Services,
              me: CurrentMember, form: FormFields) -> Response:
    try:
        version = optional_int(form, "version", "Version")
        view = _moves(kb, me.id, intro_id, form, version)[move]()
    except NotFound:
        raise
    except KithbookError as error:
        return _intro(request, kb, me.id, intro_id, form={**form, "move": move.value},
                      error=error)
    return see(f"/introductions/{view.id}", move.value)


def _moves(kb: Kithbook, member: MemberId, intro_id: str, form: dict[str, str],
           version: int | None) -> dict[PageMove, Callable[[], IntroView]]:
    note = form.get("note", "").strip() or None
    return {
        PageMove.FORWARD: lambda: kb.intros.forward(
            member, intro_id, note=note, expected_version=version),
        PageMove.DECLINE: lambda: kb.intros.decline(
            member, intro_id, note=note, expected_version=version,
            private_reason=form.get("private_reason", "").strip() or None),
        PageMove.ACCEPT: lambda: kb.intros.accept(
            member, intro_id, note=note, expected_version=version),
        PageMove.MAKE: lambda: kb.intros.make(
            member, intro_id, note=note, expected_version=version),
        PageMove.WITHDRAW: lambda: kb.intros.withdraw(
            member, intro_id, note=note, expected_version=version),
        PageMove.OUTCOME: lambda: kb.intros.record_outcome(
            member, intro_id, parse_rating(form.get("rating", "")),
            comment=form.get("comment", "").strip() or None,
            party=Role(form["party"]) if form.get("party") in set(Role) else None,
            expected_version=version),
        PageMove.SEND_INTRODUCTION: lambda: _sent(kb, member, intro_id, note),
    }


def _sent(kb: Kithbook, member: MemberId, intro_id: str, note: str | None) -> IntroView:
    kb.intros.send_introduction(member, intro_id, note=note)
    return kb.intros.show(member, intro_id)
