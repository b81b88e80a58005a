"""Password hashing with Argon2id at OWASP's minimum or above (m=19 MiB, t=2, p=1)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TIME_COST = 2
MEMORY_KIB = 19_456
PARALLELISM = 1


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB,
                          parallelism=PARALLELISM)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@cache
def _stand_in() -> str:
    # Checked against when the email is unknown, so that answer costs the same time.
    return _hasher().hash("a password nobody has, for unknown emails")


def verify(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash still spends the time of a check."""
    try:
        _hasher().verify(password_hash or _stand_in(), password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
