"""/api/v1/paths: warm paths to a person or to anyone matching a filter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kithbook.graph.paths import DEFAULT_K
from kithbook.services.paths import PathQuery
from kithbook.web.api.path_schemas import PathsOut
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1", tags=["warm paths"], responses=ERRORS)

Word = Annotated[str | None, Query(max_length=300)]


@router.get("/paths", summary="Who can introduce you to someone",
            description="Give `to` (a name) or any of organization, role, location, tag. "
                        "Each path says why it ranks where it does, and what to send to "
                        "POST /api/v1/introductions to start asking.")
def find_paths(kb: Services, me: CurrentMember, to: Word = None, organization: Word = None,
               role: Word = None, location: Word = None, tag: Word = None,
               k: Annotated[int, Query(ge=1, le=100)] = DEFAULT_K) -> PathsOut:
    return PathsOut.of(kb.paths.find_paths(me.id, PathQuery(
        to=to, organization=organization, role=role, location=location, tag=tag, k=k)))
