"""Reading what people type into forms."""

from __future__ import annotations

import re

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.services.book import labeled

_SPLIT = re.compile(r"[,\n;]+")


def values(text: str | None) -> list[str]:
    """"a@x.org, b@y.org" or one per line → ["a@x.org", "b@y.org"]."""
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def labeled_values(text: str | None) -> list[Labeled]:
    return labeled(values(text)) or []


def contact_fields(form: dict[str, str]) -> ContactFields:
    return ContactFields(
        name=form.get("name", ""), emails=labeled_values(form.get("emails")),
        phones=labeled_values(form.get("phones")), links=values(form.get("links")),
        tags=values(form.get("tags")), organization=form.get("organization", ""),
        role=form.get("role", ""), location=form.get("location", ""),
        how_we_met=form.get("how_we_met", ""), notes=form.get("notes", ""))


def optional_int(form: dict[str, str], key: str, label: str) -> int | None:
    text = form.get(key, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(f"{label} must be a whole number; got {text!r}.", field=key)
    return int(text)
