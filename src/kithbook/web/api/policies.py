"""/api/v1/policies: who may see your contacts in path search and ask you about them."""

from __future__ import annotations

from fastapi import APIRouter

from kithbook.web.api.intro_schemas import (
    ContactPolicyIn,
    ContactPolicyOut,
    DefaultPolicyIn,
    PolicyOut,
)
from kithbook.web.api.schemas import ERRORS
from kithbook.web.deps import CurrentMember, Services

router = APIRouter(prefix="/api/v1", tags=["sharing policies"], responses=ERRORS)


@router.get("/policies/default", summary="Your defaults")
def default_policy(kb: Services, me: CurrentMember) -> PolicyOut:
    return PolicyOut.of(kb.book.default_policy(me.id))


@router.put("/policies/default", summary="Change your defaults",
            description="They apply to every contact without a rule of its own. \"No "
                        "introductions\" and what someone welcomes belong to one contact.")
def set_default_policy(body: DefaultPolicyIn, kb: Services, me: CurrentMember) -> PolicyOut:
    return PolicyOut.of(kb.book.set_default_policy(me.id, body.change()))


@router.get("/contacts/{contact_id}/policy", summary="The rule for one contact, and its source")
def contact_policy(contact_id: str, kb: Services, me: CurrentMember) -> ContactPolicyOut:
    # The API names contacts by id only, never by a part of a name.
    return ContactPolicyOut.of(kb.book.contact_policy(me.id, contact_id, exact=True))


@router.put("/contacts/{contact_id}/policy", summary="Give a contact its own rule, or drop it")
def set_contact_policy(contact_id: str, body: ContactPolicyIn, kb: Services,
                       me: CurrentMember) -> ContactPolicyOut:
    return ContactPolicyOut.of(kb.book.set_contact_policy(
        me.id, contact_id, body.change(), follow_defaults=body.follow_defaults, exact=True))
