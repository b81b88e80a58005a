"""Consent links by email: the page a link opens (for someone who is not a member), and
the introducer's ask by email with its preview (the introduction sent on yes is one of
the moves of `pages/introductions.py`).

A link's page needs no account: the signed link is the only key. Opening it changes
nothing; the answer is one more click, a POST from this page. Every link that does not
work gets the same page, with the same status.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.accounts import TooManyAttempts
from kithbook.domain.consent import CHOICE_WORDS, DEAD_LINK, AskEmail, Choice, DeadLink
from kithbook.domain.errors import KithbookError, NotFound
from kithbook.domain.ids import MemberId
from kithbook.services.consent import LinkAnswered
from kithbook.services.facade import Kithbook
from kithbook.web.auth import CsrfRefused, client_address, same_site
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.errors import status_of
from kithbook.web.local_guard import is_loopback_host
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)

_THANKS = {
    Choice.YES: "{introducer} will introduce you. Thank you for answering.",
    Choice.NOT_NOW: "{introducer} will know it is not a good time. Thank you for answering.",
    Choice.NO: "{introducer} will know, and nothing about you was shared. Thank you.",
}
_OUTCOME_THANKS = "Thank you: it helps {introducer} introduce people well."


def _dead(request: Request, error: KithbookError | None = None) -> HTMLResponse:
    status = 429 if isinstance(error, TooManyAttempts) else 404
    response = render(request, "answer.html", {"page": None, "dead": DEAD_LINK}, status)
    if isinstance(error, TooManyAttempts):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _page(request: Request, kb: Kithbook, token: str, chosen: str | None, *,
          form: dict[str, str] | None = None, error: KithbookError | None = None
          ) -> HTMLResponse:
    try:
        page = kb.intros.link_page(token, chosen, client_address(request))
    except (DeadLink, TooManyAttempts) as dead:
        return _dead(request, dead)
    return render(request, "answer.html", {"page": page, "words": CHOICE_WORDS,
                                           "form": form or {}, "error": error},
                  status_of(error) if error else 200)


@router.get("/answer/{token}", response_class=HTMLResponse)
def link_page(token: str, request: Request, kb: Services) -> HTMLResponse:
    return _page(request, kb, token[:100], request.query_params.get("choice"))


@router.post("/answer/{token}", response_class=HTMLResponse)
def answer(token: str, request: Request, kb: Services, form: FormFields) -> Response:
    if not same_site(request):
        raise CsrfRefused
    try:
        done = kb.intros.answer_link(token[:100], form.get("choice", ""), form.get("note"),
                                     client_address(request),
                                     dont_ask_again=form.get("dont_ask_again") == "1")
    except (DeadLink, TooManyAttempts) as dead:
        return _dead(request, dead)
    except KithbookError as error:
        return _page(request, kb, token[:100], form.get("choice"), form=form, error=error)
    return render(request, "answer.html", {"done": True, "page": None,
                                           "done_text": _thanks(done)})


def _thanks(done: LinkAnswered) -> str:
    text = _THANKS.get(done.choice, _OUTCOME_THANKS)
    return text.format(introducer=done.introducer)


# ---- the introducer's side ---------------------------------------------------------------

@router.get("/introductions/{intro_id}/ask-by-email", response_class=HTMLResponse)
def ask_page(intro_id: str, request: Request, kb: Services,
             me: CurrentMember) -> HTMLResponse:
    return _ask(request, kb, me.id, intro_id, None)


def _ask(request: Request, kb: Kithbook, member: MemberId, intro_id: str,
         ask: AskEmail | None, error: KithbookError | None = None) -> HTMLResponse:
    preview = kb.intros.ask_preview(member, intro_id, ask=ask)
    return render(request, "ask_email.html", {
        "nav": "intros", "intro_id": intro_id, "p": preview, "error": error,
        "can_send": kb.mailer is not None, "public_url": kb.settings.public_url,
        "unreachable": is_loopback_host(urlsplit(kb.settings.public_url).netloc)},
        status_of(error) if error else 200)


@router.post("/introductions/{intro_id}/ask-by-email", response_class=HTMLResponse)
def send_ask(intro_id: str, request: Request, kb: Services, me: CurrentMember,
             form: FormFields) -> Response:
    ask = AskEmail(form.get("subject", ""), form.get("message", ""))
    if form.get("action") != "send":
        return _ask(request, kb, me.id, intro_id, ask)
    try:
        view = kb.intros.send_ask(me.id, intro_id, ask)
    except NotFound:
        raise
    except KithbookError as error:
        return _ask(request, kb, me.id, intro_id, ask, error)
    return see(f"/introductions/{view.id}", "asked_by_email")
