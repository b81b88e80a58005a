"""Identifiers: short random strings, never sequential, so they cannot be guessed."""

from __future__ import annotations

import os
from typing import NewType

MemberId = NewType("MemberId", str)
ContactId = NewType("ContactId", str)
InteractionId = NewType("InteractionId", str)
IntroId = NewType("IntroId", str)

# Crockford's base32 alphabet in lower case: no i, l, o, u, so ids read aloud cleanly.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LENGTH = 12  # 60 random bits
MIN_PREFIX = 4


# Two characters per 10 bits, looked up at once: a bulk import makes an id per contact,
# and a loop per character was most of that.
_PAIRS = [ALPHABET[v & 31] + ALPHABET[v >> 5] for v in range(1024)]


def _encode(raw: int) -> str:
    """The lowest 5 bits first, as it always was."""
    p = _PAIRS
    return (p[raw & 1023] + p[(raw >> 10) & 1023] + p[(raw >> 20) & 1023]
            + p[(raw >> 30) & 1023] + p[(raw >> 40) & 1023] + p[(raw >> 50) & 1023])


def new_id() -> str:
    """A fresh 12-character id carrying 60 random bits."""
    return _encode(int.from_bytes(os.urandom(8), "big") >> 4)


def new_ids(count: int) -> list[str]:
    """Many fresh ids at once (bulk loads)."""
    data = os.urandom(8 * count)
    return [_encode(int.from_bytes(data[8 * i : 8 * i + 8], "big") >> 4) for i in range(count)]


def is_id(text: str) -> bool:
    """True when `text` is a whole id as Kithbook makes them (an export writes these)."""
    return len(text) == ID_LENGTH and all(c in ALPHABET for c in text)


def looks_like_id(text: str) -> bool:
    """True when `text` could be an id or an id prefix a person typed."""
    return MIN_PREFIX <= len(text) <= ID_LENGTH and all(c in ALPHABET for c in text)
