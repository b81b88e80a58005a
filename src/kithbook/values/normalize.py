"""Checking and normalizing emails and phone numbers as people type them.

Emails are checked for syntax only (no network look-ups) and stored with the domain
lower-cased; phones are stored in E.164 so the same number typed two ways matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

import email_validator
import phonenumbers

from kithbook.domain.contacts import Labeled
from kithbook.domain.errors import InvalidInput

DEFAULT_REGION = "US"

# The plain addresses that make up nearly every import: dot-separated atoms of common
# characters at a host name with an alphabetic top-level domain. For these the full
# validator (about 100 µs each, most of a large import's parsing time) can only agree, so
# they are checked here; anything else, and the special-use names it refuses, go to it.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})")
_SPECIAL_USE = frozenset(email_validator.SPECIAL_USE_DOMAIN_NAMES)
_UNDER_SPECIAL_USE = tuple("." + name for name in _SPECIAL_USE)  # one C call per address


def _plain_email(candidate: str) -> str | None:
    found = _PLAIN_EMAIL.fullmatch(candidate)
    if found is None or len(candidate) > 254 or candidate.index("@") > 64:
        return None
    domain = found.group(1).lower()
    # "--" may make a label IDNA's business ("xn--", reserved hyphens): the validator decides.
    if len(domain) > 253 or "--" in domain or domain in _SPECIAL_USE or \
            domain.endswith(_UNDER_SPECIAL_USE):
        return None
    return candidate[: found.start(1)] + domain


def normalize_email(text: str) -> str:
    """`Ada@Example.ORG ` → `Ada@example.org`, or a clear error."""
    candidate = text.strip()
    plain = _plain_email(candidate)
    if plain is not None:
        return plain
    try:
        checked = email_validator.validate_email(
            candidate, check_deliverability=False, allow_smtputf8=True
        )
    except email_validator.EmailNotValidError as exc:
        raise InvalidInput(
            f"{candidate!r} is not a valid email address ({exc}); write it like ada@example.org.",
            field="emails",
        ) from None
    return str(checked.normalized)


# North American numbers written with their country code (`+1 202 555 0143`) or, in
# the default region, without it (`(202) 555-0143`): what most address books hold. Made
# of digits and the separators below only, with an area code that cannot start with a
# national prefix, phonenumbers can only read them as +1 and ten digits, a possible
# length, so they skip its parse (some 35 µs each, a sixth of a vCard import).
# `tests/unit/values/test_normalize.py` checks the two agree on odd inputs too.
_PLAIN_PHONE = re.compile(r"\+?[0-9 ().-]+")
_SEPARATORS = str.maketrans("", "", " ().-")
_AREA_CODE_FIRST = "23456789"


def _quick_phone(candidate: str, region: str | None) -> str | None:
    """E.164 for a plain North American number, or None for phonenumbers to decide."""
    if _PLAIN_PHONE.fullmatch(candidate) is None:
        return None
    digits = candidate.translate(_SEPARATORS)
    if candidate[0] == "+":
        if len(digits) == 12 and digits[1] == "1" and digits[2] in _AREA_CODE_FIRST:
            return digits
    elif region == "US" and len(digits) == 10 and digits[0] in _AREA_CODE_FIRST:
        return "+1" + digits
    return None


@lru_cache(maxsize=4096)
def _careful_phone(candidate: str, region: str | None) -> str | None:
    # Cached: a file repeats its placeholders and shared numbers (a switchboard, a
    # "BusinessPhone"), and an unreadable one is tried again with each region guessed.
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(text: str, *, region: str | None = DEFAULT_REGION) -> str:
    """`(202) 555-0143` → `+12025550143`; numbers with a leading + need no region."""
    candidate = text.strip()
    number = _quick_phone(candidate, region) or _careful_phone(candidate, region)
    if number is None:
        raise InvalidInput(
            f"{candidate!r} is not a phone number I can read; write it with its country "
            "code, like +44 20 7946 0958.",
            field="phones",
        )
    return number


def display_phone(e164: str) -> str:
    """`+12025550143` → `+1 202-555-0143` for people to read."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_emails(values: list[Labeled]) -> list[Labeled]:
    out: dict[str, Labeled] = {}
    for v in values:
        address = normalize_email(v.value)
        out.setdefault(address.lower(), Labeled(address, v.label))
    return list(out.values())


def normalize_phones(values: list[Labeled], *, region: str | None = DEFAULT_REGION,
                     kept: set[str] | frozenset[str] = frozenset()) -> list[Labeled]:
    """Each phone in E.164; one of `kept` (already stored as written) is left as it is."""
    out: dict[str, Labeled] = {}
    for v in values:
        e164 = v.value.strip() if v.value.strip() in kept else normalize_phone(
            v.value, region=region)
        out.setdefault(e164, Labeled(e164, v.label))
    return list(out.values())
