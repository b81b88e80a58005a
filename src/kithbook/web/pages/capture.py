"""The Sources page (add a mail account or a calendar, test it, see its last run and
errors in plain words, run it, remove it) and the review queue. Runs happen in the
background workers, never inside a request; testing a connection signs in once, in the
thread pool."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.capture import RuleKind, parse_review_choice
from kithbook.domain.errors import InvalidInput, KithbookError, NotFound
from kithbook.domain.ids import MemberId
from kithbook.io.imap import Security
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.pages.book import render, see

router = APIRouter(include_in_schema=False)

_NOTICES = {"added": "Added. It runs in the background within a minute, then every 15 "
                     "minutes.",
            "queued": "Queued: the background workers run it within a minute.",
            "removed": "Removed, with everything it captured.",
            "own": "Saved: mail from that address counts as written by you."}


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _sources(request, kb, me.id)


def _sources(request: Request, kb: Services, member: MemberId, *,
             form: dict[str, str] | None = None, form_for: str | None = None,
             error: KithbookError | None = None, tested: str | None = None,
             status_code: int = 200) -> HTMLResponse:
    """The page; `form_for` names the form ("imap", "calendar") that failed, so only it
    shows the error and what was typed (never a password)."""
    book = kb.capture()
    return render(request, "sources.html", {
        "sources": book.sources(member), "rules": book.rules(member),
        "waiting": len(book.review_queue(member)), "error": error, "tested": tested,
        "form": {k: v for k, v in (form or {}).items() if k != "password"},
        "form_for": form_for, "nav": "sources",
        "notice": _NOTICES.get(request.query_params.get("done") or "")},
        status_code=status_code)


@router.post("/sources/imap", response_class=HTMLResponse)
def add_imap(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        port = form.get("port", "").strip()
        if port and not port.isdigit():
            raise InvalidInput("the port is a number, such as 993.", field="port")
        kb.capture().add_imap(
            me.id, host=form.get("host", ""), username=form.get("username", ""),
            password=form.get("password", ""), port=int(port) if port else None,
            security=_security(form.get("security", "tls")),
            keep_subjects=form.get("keep_subjects") == "on",
            label=form.get("label", "").strip() or None, scheduled=True)
    except KithbookError as exc:
        return _sources(request, kb, me.id, form=form, form_for="imap", error=exc,
                        status_code=422)
    return see("/sources", "added")


@router.post("/sources/calendar", response_class=HTMLResponse)
def add_calendar(request: Request, kb: Services, me: CurrentMember,
                 form: FormFields) -> Response:
    """A subscribed ICS address or a CalDAV account; either is read once now to check
    it (in the thread pool), so a bad address or password is said before anything is
    stored."""
    book = kb.capture()
    label = form.get("label", "").strip() or None
    keep = form.get("keep_subjects") == "on"
    try:
        kind = form.get("kind", "")
        if kind == "ics":
            book.add_ics(me.id, form.get("url", ""), label=label, keep_subjects=keep,
                         scheduled=True)
        elif kind == "caldav":
            names = tuple(n for n in form.get("calendars", "").split(",") if n.strip())
            book.add_caldav(me.id, url=form.get("url", ""),
                            username=form.get("username", ""),
                            password=form.get("password", ""), calendars=names,
                            label=label, keep_subjects=keep, scheduled=True)
        else:
            raise InvalidInput("choose a subscribed calendar (ICS) or a CalDAV account.",
                               field="kind")
    except KithbookError as exc:
        return _sources(request, kb, me.id, form=form, form_for="calendar", error=exc,
                        status_code=422)
    return see("/sources", "added")


def _security(text: str) -> Security:
    try:
        return Security(text)
    except ValueError:
        raise InvalidInput("choose TLS or STARTTLS.", field="security") from None


@router.post("/sources/own", response_class=HTMLResponse)
def own_address(request: Request, kb: Services, me: CurrentMember,
                form: FormFields) -> Response:
    try:
        kb.capture().set_rule(me.id, form.get("address", ""), RuleKind.OWN)
    except KithbookError as exc:
        return _sources(request, kb, me.id, form=form, form_for="own", error=exc,
                        status_code=422)
    return see("/sources", "own")


@router.post("/sources/{source_id}/test", response_class=HTMLResponse)
def test_source(request: Request, source_id: str, kb: Services,
                me: CurrentMember) -> HTMLResponse:
    book = kb.capture()
    try:
        found = book.check_source(me.id, source_id)
        what = "Calendars" if book.source(me.id, source_id).kind.is_calendar else "Folders"
    except NotFound:
        raise  # another member's source reads like one that does not exist
    except KithbookError as exc:
        return _sources(request, kb, me.id, error=exc, status_code=422)
    return _sources(request, kb, me.id,
                    tested=f"Signed in. {what} it reads: {', '.join(found) or 'none'}.")


@router.post("/sources/{source_id}/run")
def run_source(source_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.capture().schedule_now(me.id, source_id)
    return see("/sources", "queued")


@router.post("/sources/{source_id}/remove")
def remove_source(source_id: str, kb: Services, me: CurrentMember) -> Response:
    kb.capture().remove_source(me.id, source_id)
    return see("/sources", "removed")


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, kb: Services, me: CurrentMember) -> HTMLResponse:
    return _review(request, kb, me.id)


def _review(request: Request, kb: Services, member: MemberId, *,
            error: KithbookError | None = None, status_code: int = 200) -> HTMLResponse:
    done = request.query_params.get("done") or ""
    return render(request, "review.html", {
        "queue": kb.capture().review_queue(member), "error": error, "nav": "sources",
        "notice": {"accept": "Added to your book, with the mail seen so far.",
                   "ignore_once": "Hidden until more mail with them arrives.",
                   "ignore_always": "They will not be counted again."}.get(done)},
        status_code=status_code)


@router.post("/review", response_class=HTMLResponse)
def decide(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    try:
        choice = parse_review_choice(form.get("choice", ""))
        kb.capture().decide(me.id, form.get("email", ""), choice,
                            name=form.get("name") or None)
    except KithbookError as exc:
        return _review(request, kb, me.id, error=exc, status_code=422)
    return see("/review", choice.value)
