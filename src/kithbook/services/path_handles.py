"""Handles for the people a path search offers to ask about: opaque, bound to one search
and one searcher.

A community path ends its first step at a contact in the introducer's book. Handing the
searcher that contact's id would let them join results across searches: ask for "anyone
at Acme", then for "anyone at Acme who is CTO", and see the same id come back. Instead
each search draws a fresh nonce, and each path's target is handed out as

    version (1 byte) | minute issued (4) | nonce (9) | HMAC-SHA256(key, … searcher,
    introducer, contact)[:16]

in lowercase base32 (48 characters). Nothing in it names the contact; two searches for
the same person give unrelated handles; and only the searcher can use it, with that
introducer, for `LIFETIME`. Asking for an introduction resolves it on the server by
recomputing the code for the introducer's contacts (a book of 20,000 contacts takes a
few tens of milliseconds, once per request). The key is the server's own (`server_keys`
in storage), the same for every process on the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kithbook.domain.ids import ContactId, MemberId

VERSION = 1
LENGTH = 48
LIFETIME = timedelta(days=7)
_NONCE = 9
_MAC = 16
_LABEL = b"kithbook path handle\0"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Search:
    """One search's part of every handle it hands out."""

    key: bytes
    searcher: MemberId
    prefix: bytes  # version, minute issued, nonce

    @classmethod
    def start(cls, key: bytes, searcher: MemberId, now: datetime) -> Search:
        minute = int((now - _EPOCH).total_seconds() // 60)
        return cls(key, searcher,
                   bytes([VERSION]) + minute.to_bytes(4, "big") + os.urandom(_NONCE))

    def handle(self, introducer: MemberId, contact: ContactId) -> str:
        raw = self.prefix + _mac(self.key, self.prefix, self.searcher, introducer, contact)
        return base64.b32encode(raw).decode("ascii").lower()


def looks_like_handle(text: str) -> bool:
    return len(text) == LENGTH and text.isascii() and text.isalnum() and text.islower()


def resolve(key: bytes, handle: str, asker: MemberId, introducer: MemberId,
            contacts: Iterable[ContactId], now: datetime) -> ContactId | None:
    """The contact `handle` stands for, if `asker` was handed it for `introducer` less
    than `LIFETIME` ago; else None (a forged, borrowed, stale or mistyped handle alike)."""
    if not looks_like_handle(handle):
        return None
    try:
        raw = base64.b32decode(handle.upper())
    except ValueError:
        return None
    prefix, mac = raw[:-_MAC], raw[-_MAC:]
    if len(raw) != 1 + 4 + _NONCE + _MAC or prefix[0] != VERSION:
        return None
    issued = _EPOCH + timedelta(minutes=int.from_bytes(prefix[1:5], "big"))
    if not now - LIFETIME <= issued <= now + timedelta(minutes=5):
        return None
    base = hmac.new(key, _LABEL + prefix + _part(asker) + _part(introducer), hashlib.sha256)
    found = None
    for contact in contacts:
        code = base.copy()
        code.update(_part(contact))
        if hmac.compare_digest(code.digest()[:_MAC], mac):
            found = contact
    return found


def _mac(key: bytes, prefix: bytes, searcher: MemberId, introducer: MemberId,
         contact: ContactId) -> bytes:
    return hmac.new(key, _LABEL + prefix + _part(searcher) + _part(introducer)
                    + _part(contact), hashlib.sha256).digest()[:_MAC]


def _part(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass") + b"\0"
