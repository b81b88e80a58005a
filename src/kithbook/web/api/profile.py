"""/api/v1/me/profile: your own name, and the organization and title other members find
you by."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from kithbook.services.profile import Profile
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1", tags=["profile"], responses=ERRORS)

# The use case says how long a value may be, and names the field; this bound only keeps
# an absurd body from reaching it.
_BODY_LIMIT = 10_000


class ProfileBody(BaseModel):
    """A missing or null name is kept; a missing, null or empty organization or title is
    cleared."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=_BODY_LIMIT,
                             description="Your own name, as introductions and drafts sign it.")
    organization: str | None = Field(None, max_length=_BODY_LIMIT,
                                     description="Where you work, e.g. Acme.")
    title: str | None = Field(None, max_length=_BODY_LIMIT,
                              description="Your role there, e.g. CTO.")

    @classmethod
    def of(cls, profile: Profile) -> ProfileBody:
        return cls(name=profile.name, organization=profile.organization,
                   title=profile.title)


@router.get("/me/profile", summary="Your profile")
def my_profile(kb: Services, me: CurrentMember) -> ProfileBody:
    return ProfileBody.of(kb.accounts.profile(me.id))


@router.put("/me/profile", summary="Change your profile",
            description="Your name signs your introductions and drafts. Every member of the "
                        "community sees your organization and title, and path search uses "
                        "them so others can find warm paths to you (\"anyone at Acme\"). "
                        "The name is kept when left out; organization and title are "
                        "replaced. At most 200 characters each.")
def change_my_profile(body: ProfileBody, kb: Services, me: CurrentMember) -> ProfileBody:
    return ProfileBody.of(kb.accounts.set_profile(me.id, name=body.name,
                                                  organization=body.organization or "",
                                                  title=body.title or ""))
