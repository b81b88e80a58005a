"""The path finder: a form, ranked paths with their reasons, a picture of each path, and
a button on each that starts the introduction request it suggests."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kithbook.domain.errors import KithbookError, NotFound
from kithbook.domain.ids import MemberId
from kithbook.graph.paths import DEFAULT_K
from kithbook.services.paths import PathQuery, PathResults
from kithbook.web.deps import CurrentMember, FormFields, Services
from kithbook.web.errors import status_of
from kithbook.web.pages.book import render, see
from kithbook.web.pictures import path_picture

router = APIRouter(include_in_schema=False)

Word = Annotated[str, Query(max_length=300)]
FIELDS = ("to", "organization", "role", "location", "tag")


@router.get("/paths", response_class=HTMLResponse)
def paths_page(request: Request, kb: Services, me: CurrentMember, to: Word = "",
               organization: Word = "", role: Word = "", location: Word = "", tag: Word = "",
               k: Annotated[int, Query(ge=1, le=100)] = DEFAULT_K) -> HTMLResponse:
    form = {"to": to, "organization": organization, "role": role, "location": location,
            "tag": tag}
    results: PathResults | None = None
    error: KithbookError | None = None
    if any(v.strip() for v in form.values()):
        try:
            results = kb.paths.find_paths(me.id, _query(form, k))
        except KithbookError as exc:
            error = exc
    asked = {key: value for key, value in form.items() if value.strip()}
    return render(request, "paths.html", {
        "nav": "paths", "form": form, "k": k, "results": results, "error": error,
        "picture": lambda rank: "/paths/picture.svg?" + urlencode({**asked, "k": k,
                                                                   "rank": rank}),
        "book_query": urlencode({key: value for key, value in (
            ("q", to), ("organization", organization), ("tag", tag)) if value.strip()}
            | {"sort": "strength"}),
    }, 200 if error is None else 422 if isinstance(error, NotFound) else status_of(error))


@router.get("/paths/picture.svg")
def picture(kb: Services, me: CurrentMember, to: Word = "", organization: Word = "",
            role: Word = "", location: Word = "", tag: Word = "",
            k: Annotated[int, Query(ge=1, le=100)] = DEFAULT_K,
            rank: Annotated[int, Query(ge=1, le=100)] = 1) -> Response:
    """One path drawn as a row of people, like the network map; the same search as the
    page, so it shows nothing the page does not."""
    form = {"to": to, "organization": organization, "role": role, "location": location,
            "tag": tag}
    found = kb.paths.find_paths(me.id, _query(form, k)).paths
    if rank > len(found):
        raise NotFound("there is no path with that rank; search again.", field="rank")
    return Response(path_picture(found[rank - 1]), media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@router.post("/paths/ask", response_class=HTMLResponse)
def ask(request: Request, kb: Services, me: CurrentMember, form: FormFields) -> Response:
    """Start the introduction a community path suggests: ask its first intermediary."""
    try:
        view = kb.intros.request(
            me.id, MemberId(form.get("introducer", "").strip()), form.get("target", ""),
            form.get("purpose", "").strip())
    except KithbookError as error:
        return render(request, "paths.html", {
            "nav": "paths", "form": dict.fromkeys(FIELDS, ""), "k": DEFAULT_K,
            "results": None, "error": error, "picture": lambda rank: ""},
            422 if isinstance(error, NotFound) else status_of(error))
    return see(f"/introductions/{view.id}", "recorded")


def _query(form: dict[str, str], k: int) -> PathQuery:
    return PathQuery(**{key: value or None for key, value in form.items()}, k=k)
