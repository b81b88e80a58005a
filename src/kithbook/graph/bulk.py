"""The network in bulk rows: what storage hands to `Snapshot.build`.

`TieArrays` holds ties as equal-length numpy columns, one row per directed tie;
`PeopleArrays` holds what a filter can ask about each person, as integer codes;
`PeopleFilter` says whom a search is looking for. See docs/paths.md for the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from kithbook.domain.errors import InvalidInput
from kithbook.graph.arrays import BoolArray, Float32Array, Int8Array, Int32Array, Int64Array
from kithbook.graph.policy import ANYONE, HIDDEN, NAMED, NOBODY, TRUSTED


@dataclass(frozen=True)
class TieArrays:
    """Ties in bulk, one row per directed tie `src → dst`, owned by `src`.

    Columns: `strength` float32 in [0, 1]; `trust` int8, the owner's stated trust of
    `dst` (0 = unstated, else 1..5); `visibility` int8 (0 hidden, 1 anonymous, 2 named);
    `ask_rule` int8 (0 nobody, 1 trusted, 2 anyone); `min_trust` int8 (1..5 when the rule
    is "trusted", else ignored); `no_intro` bool. Codes are those of `kithbook.graph.policy`.
    """

    src: Int32Array
    dst: Int32Array
    strength: Float32Array
    trust: Int8Array
    visibility: Int8Array
    ask_rule: Int8Array
    min_trust: Int8Array
    no_intro: BoolArray

    @classmethod
    def of(cls, src: Any, dst: Any, strength: Any, trust: Any = 0, visibility: Any = NAMED,
           ask_rule: Any = ANYONE, min_trust: Any = 0, no_intro: Any = False) -> TieArrays:
        """Columns from anything array-like; scalars are broadcast to every row."""
        s = np.asarray(src, dtype=np.int32).reshape(-1)
        count = len(s)

        def col(value: Any, dtype: type[np.generic]) -> Any:
            arr = np.asarray(value, dtype=dtype)
            return np.full(count, arr, dtype=dtype) if arr.ndim == 0 else arr.reshape(-1)

        return cls(s, col(dst, np.int32), col(strength, np.float32), col(trust, np.int8),
                   col(visibility, np.int8), col(ask_rule, np.int8), col(min_trust, np.int8),
                   col(no_intro, np.bool_))

    @classmethod
    def empty(cls) -> TieArrays:
        return cls.of(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32))

    def __len__(self) -> int:
        return len(self.src)

    def take(self, index: Any) -> TieArrays:
        return TieArrays(*(getattr(self, f.name)[index] for f in fields(self)))

    def concat(self, other: TieArrays) -> TieArrays:
        return TieArrays(*(np.concatenate([getattr(self, f.name), getattr(other, f.name)])
                           for f in fields(self)))

    def check(self, num_people: int) -> None:
        """Refuse rows a snapshot cannot hold, saying which column and value is wrong."""
        count = len(self.src)
        for f in fields(self):
            if len(getattr(self, f.name)) != count:
                raise InvalidInput(f"tie column {f.name} has {len(getattr(self, f.name))} rows; "
                                   f"src has {count}.", field=f.name)
        person = f"a person number 0..{num_people - 1}"
        problems = [
            ("src", (self.src < 0) | (self.src >= num_people), person),
            ("dst", (self.dst < 0) | (self.dst >= num_people), person),
            ("dst", self.src == self.dst, "someone other than the tie's owner"),
            ("strength", ~((self.strength >= 0) & (self.strength <= 1)), "a number in [0, 1]"),
            ("trust", (self.trust < 0) | (self.trust > 5), "0 (unstated) or 1..5"),
            ("visibility", (self.visibility < HIDDEN) | (self.visibility > NAMED), "0, 1 or 2"),
            ("ask_rule", (self.ask_rule < NOBODY) | (self.ask_rule > ANYONE), "0, 1 or 2"),
            ("min_trust",
             (self.ask_rule == TRUSTED) & ((self.min_trust < 1) | (self.min_trust > 5)),
             "1..5 when the ask rule is 'trusted'"),
        ]
        for name, bad, expected in problems:
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise InvalidInput(f"tie row {row}: {name} must be {expected}; got "
                                   f"{getattr(self, name)[row]!r}.", field=name)


@dataclass(frozen=True)
class PeopleArrays:
    """What a filter can ask about each person, as codes into label lists (-1 = none).

    `tag_indptr`/`tag_codes` hold each person's tags as a CSR row. Labels are only used to
    describe results ("a contact at Acme"); searches compare codes.
    """

    organization: Int32Array
    role: Int32Array
    location: Int32Array
    tag_indptr: Int64Array
    tag_codes: Int32Array
    organization_names: tuple[str, ...] = ()
    role_names: tuple[str, ...] = ()
    location_names: tuple[str, ...] = ()
    tag_names: tuple[str, ...] = ()

    @classmethod
    def blank(cls, count: int) -> PeopleArrays:
        none = np.full(count, -1, dtype=np.int32)
        return cls(none, none.copy(), none.copy(), np.zeros(count + 1, np.int64),
                   np.zeros(0, np.int32))

    def __len__(self) -> int:
        return len(self.organization)

    def organization_of(self, person: int) -> str | None:
        code = int(self.organization[person])
        return self.organization_names[code] if 0 <= code < len(self.organization_names) else None


@dataclass(frozen=True)
class PeopleFilter:
    """Anyone matching every given code (organization, role, location, tag)."""

    organization: int | None = None
    role: int | None = None
    location: int | None = None
    tag: int | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in (self.organization, self.role, self.location, self.tag))
