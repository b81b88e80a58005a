"""Finding the contact a person means: by id, id prefix or part of the name."""

from __future__ import annotations

import difflib

from kithbook.domain.contacts import Contact, fold
from kithbook.domain.errors import Ambiguous, InvalidInput, NotFound
from kithbook.domain.ids import ContactId, MemberId, looks_like_id
from kithbook.services.ports import UnitOfWork

MAX_CANDIDATES = 8


def resolve_contact(uow: UnitOfWork, owner: MemberId, ref: str, *,
                    exact: bool = False) -> Contact:
    """The one contact `ref` names in `owner`'s book; call inside an open unit of work.

    `exact=True` takes `ref` only as a whole id (what the API and pages pass), never as a
    prefix or a name.
    """
    if exact:
        found = uow.contacts.get(owner, ContactId(ref.strip()))
        if found is None:
            raise NotFound(f"no contact {ref!r} in your book.", field="contact_id")
        return found
    text = ref.strip()
    if not text:
        raise InvalidInput("name a contact by its id or part of its name.", field="contact")
    if looks_like_id(text.lower()):
        by_id = uow.contacts.with_id_prefix(owner, text.lower(), MAX_CANDIDATES + 1)
        if len(by_id) == 1:
            return by_id[0]
    by_name = uow.contacts.with_name_part(owner, text, 200)
    same_name = [c for c in by_name if fold(c.name) == fold(text)]
    if len(same_name) == 1:
        return same_name[0]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        shown = (same_name or by_name)[:MAX_CANDIDATES]
        listing = ", ".join(f"{c.headline} [{c.id}]" for c in shown)
        more = f" and {len(by_name) - len(shown)} more" if len(by_name) > len(shown) else ""
        raise Ambiguous(
            f"{text!r} matches {len(by_name)} contacts: {listing}{more}. "
            "Use the id in brackets, or more of the name.",
            candidates=[c.id for c in shown], field="contact")
    raise NotFound(f"no contact matches {text!r}.{_did_you_mean(uow, owner, text)}",
                   field="contact")


def _did_you_mean(uow: UnitOfWork, owner: MemberId, text: str) -> str:
    """Close spellings of a whole name, or of one of its words ("Adda" → Ada Lovelace)."""
    wanted = fold(text)
    by_key: dict[str, set[str]] = {}
    for _, name in uow.contacts.names(owner):
        key = fold(name)
        by_key.setdefault(key, set()).add(name)
        if " " not in wanted:
            for word in key.split():
                by_key.setdefault(word, set()).add(name)
    close = difflib.get_close_matches(wanted, list(by_key), n=3, cutoff=0.7)
    names = sorted({name for key in close for name in by_key[key]})[:3]
    if not names:
        return " Add them with `kithbook add`, or list your book with `kithbook ls`."
    return " Did you mean " + " or ".join(repr(n) for n in names) + "?"


def resolve_contacts(uow: UnitOfWork, owner: MemberId, refs: list[str], *,
                     exact: bool = False) -> list[ContactId]:
    return list(dict.fromkeys(resolve_contact(uow, owner, ref, exact=exact).id
                              for ref in refs))
