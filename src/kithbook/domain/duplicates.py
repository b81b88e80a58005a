"""Likely duplicates in a book, and a plan for merging them that loses nothing.

Two entries are likely the same person when they share an email or a phone (compared after
normalization, which the caller does: this module is pure), or when their names are nearly
the same at the same organization ("Lovelace, Ada" and "Ada Lovelace" at Analytical
Engines). A merge keeps one entry (the survivor), takes each single-valued field from the
survivor unless the member chooses another entry's value, unites emails, phones, tags and
links, and concatenates notes. Re-pointing interactions is the service's job.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from itertools import combinations
from typing import Any

from kithbook.domain.contacts import MAX_TEXT, MAX_VALUES, Contact, ContactFields, Labeled
from kithbook.domain.errors import InvalidInput
from kithbook.domain.ids import ContactId
from kithbook.domain.ties import Tie

NAME_THRESHOLD = 0.88
SINGLE_FIELDS = ("name", "organization", "role", "location", "how_we_met")


class Reason(StrEnum):
    EMAIL = "same email"
    PHONE = "same phone"
    NAME = "similar name at the same organization"


@dataclass(frozen=True)
class Candidate:
    """What duplicate finding looks at; `key` is a contact id or an import row's position."""

    key: str
    name: str
    emails: tuple[str, ...] = ()  # normalized addresses
    phones: tuple[str, ...] = ()  # E.164
    organization: str | None = None

    @classmethod
    def of(cls, contact: Contact) -> Candidate:
        return cls(key=contact.id, name=contact.name,
                   emails=tuple(e.value for e in contact.emails),
                   phones=tuple(p.value for p in contact.phones),
                   organization=contact.organization)

    @classmethod
    def of_fields(cls, key: str, fields: ContactFields) -> Candidate:
        """An incoming record (an import row) before it has an id."""
        return cls(key=key, name=fields.name or "",
                   emails=tuple(e.value for e in fields.emails or []),
                   phones=tuple(p.value for p in fields.phones or []),
                   organization=fields.organization)


@dataclass(frozen=True)
class Evidence:
    reason: Reason
    keys: tuple[str, str]
    detail: str  # the shared email or phone, or the two names and their similarity


@dataclass(frozen=True)
class DuplicateGroup:
    keys: tuple[str, ...]  # in the order the candidates were given
    evidence: tuple[Evidence, ...]


def fold(text: str) -> str:
    """Lower-case without accents: "José Núñez" and "jose nunez" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def name_key(name: str) -> str:
    """Folded, punctuation dropped, tokens sorted: word order and accents do not matter."""
    cleaned = "".join(c if c.isalnum() else " " for c in fold(name))
    return " ".join(sorted(cleaned.split()))


def name_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, name_key(a), name_key(b), autojunk=False).ratio()


def _close_pairs(members: list[int], names: Mapping[int, str],
                 threshold: float) -> list[tuple[int, int]]:
    """Every pair of `members` (as `combinations` gives them, in its order) whose names
    pass `SequenceMatcher.quick_ratio` at `threshold`: all that can pass the tests that
    follow, found without comparing every pair (an organization of 11,000 people is 60
    million pairs).

    Why it finds them all. Let a, b be the lengths (a ≤ b or not), T = a + b, and M the
    characters `ratio` matches, in blocks common to both names; U = T − 2M are left over.
    ratio = 2M / T ≥ t needs M ≥ t·T/2 and, as M ≤ the shorter length, the other name at
    least a·t/(2 − t) long, so T ≥ 2a/(2 − t). Adjacent blocks are merged, so between two
    blocks at least one character is left over: there are at most U + 1 blocks, and a
    block of n characters holds n − 1 two-character pieces (bigrams) that both names
    have. So they share at least M − U − 1 = 3M − T − 1 ≥ (1.5t − 1)·T − 1 ≥
    (1.5t − 1)·2a/(2 − t) − 1 = need(a) bigrams, counted as multisets. Two multisets that
    share at least `need` elements share one among the first len − need + 1 of each, once
    every name's bigrams are sorted the same way (the prefix filter of set-similarity
    joins; the rarest first keeps those prefixes apart). Names too short for need ≥ 1
    can only be alike to names at most `short` long: those are paired with each other
    outright, as is everything when t ≤ 2/3."""
    if len(members) < 2:
        return []
    position = {i: n for n, i in enumerate(members)}
    # Each name once: people with the same name are alike, and pair with the same others.
    same: dict[str, list[int]] = {}
    for i in members:
        same.setdefault(names[i], []).append(i)
    spelled = list(same)
    alike: set[tuple[str, str]] = set()
    if threshold <= 2 / 3:
        alike.update(combinations(spelled, 2))
    else:
        grow = 2 * (1.5 * threshold - 1) / (2 - threshold)
        short = math.floor((1 / grow) * (2 - threshold) / threshold + 1e-9)
        alike.update(combinations([n for n in spelled if len(n) <= short], 2))
        bigrams = {n: _counted([n[k:k + 2] for k in range(len(n) - 1)])
                   for n in spelled if len(n) > short}
        frequency: dict[tuple[str, int], int] = {}
        for mine in bigrams.values():
            for token in mine:
                frequency[token] = frequency.get(token, 0) + 1
        holders: dict[tuple[str, int], list[str]] = {}
        for name, mine in bigrams.items():
            mine = sorted(mine, key=lambda token: (frequency[token], token))
            need = max(1, math.ceil(grow * len(name) - 1 - 1e-9))
            for token in mine[:len(mine) - need + 1]:
                for other in holders.setdefault(token, []):
                    alike.add((other, name))
                holders[token].append(name)
    # Of those, the pairs that pass `quick_ratio` itself, computed the same way on the
    # same counts (sets of counted characters intersect in C; SequenceMatcher is Python).
    chars = {n: frozenset(_counted(n)) for n in spelled}
    pairs = [pair for group in same.values() for pair in combinations(group, 2)]
    for a, b in alike:
        if _ratio(len(chars[a] & chars[b]), len(a) + len(b)) >= threshold:
            pairs.extend((min(i, j, key=position.__getitem__),
                          max(i, j, key=position.__getitem__))
                         for i in same[a] for j in same[b])
    return sorted(pairs, key=lambda pair: (position[pair[0]], position[pair[1]]))


def _counted(items: Sequence[str]) -> list[tuple[str, int]]:
    """Each item with how many times it came before, plus one: a multiset as a set."""
    seen: dict[str, int] = {}
    out = []
    for item in items:
        seen[item] = seen.get(item, 0) + 1
        out.append((item, seen[item]))
    return out


def _ratio(matches: int, length: int) -> float:
    """As `difflib` computes a ratio (two empty names are alike)."""
    return 2.0 * matches / length if length else 1.0


def find_duplicates(candidates: Iterable[Candidate], *,
                    name_threshold: float = NAME_THRESHOLD,
                    organization_rank: Mapping[str, Any] | None = None
                    ) -> list[DuplicateGroup]:
    """Groups of two or more candidates that are likely one person, with the reasons why.

    Names are compared one organization at a time, in the order of each one's first
    candidate; `organization_rank` (folded organization → a sortable rank) gives that
    order instead, for part of a larger book compared in the whole book's order
    (`DuplicateIndex`)."""
    people = list(candidates)
    joined = _Joined(people)
    _join_shared_values(people, joined)
    _join_close_names(people, joined, name_threshold, organization_rank)
    return joined.groups()


class _Joined:
    """Which candidates are one person so far (a union-find), and the evidence for it."""

    def __init__(self, people: list[Candidate]) -> None:
        self.people = people
        self.parent = list(range(len(people)))
        self.evidence: list[Evidence] = []

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int, reason: Reason, detail: str) -> None:
        self.evidence.append(Evidence(reason, (self.people[i].key, self.people[j].key),
                                      detail))
        a, b = self.root(i), self.root(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> list[DuplicateGroup]:
        """The groups of two or more, in the order their first member was given."""
        people = self.people
        order = {p.key: i for i, p in enumerate(people)}
        groups: dict[int, list[int]] = {}
        for i in range(len(people)):
            groups.setdefault(self.root(i), []).append(i)
        # Each piece of evidence, in its order, under the group its pair ended in.
        shown: dict[int, list[Evidence]] = {}
        for e in self.evidence:
            shown.setdefault(self.root(order[e.keys[0]]), []).append(e)
        out = []
        for first, members in groups.items():
            if len(members) < 2:
                continue
            keys = tuple(people[i].key for i in members)
            out.append(DuplicateGroup(keys=keys, evidence=tuple(shown.get(first, ()))))
        return sorted(out, key=lambda g: order[g.keys[0]])


def _join_shared_values(people: list[Candidate], joined: _Joined) -> None:
    """Join candidates that share an email address (in any case) or a phone number."""
    for reason in (Reason.EMAIL, Reason.PHONE):
        first_seen: dict[str, int] = {}
        for i, person in enumerate(people):
            values = ([e.casefold() for e in person.emails] if reason is Reason.EMAIL
                      else list(person.phones))
            for value in dict.fromkeys(values):
                if value in first_seen and joined.root(first_seen[value]) != joined.root(i):
                    joined.join(first_seen[value], i, reason, value)
                first_seen.setdefault(value, i)


def _join_close_names(people: list[Candidate], joined: _Joined, name_threshold: float,
                      organization_rank: Mapping[str, Any] | None = None) -> None:
    """Join candidates at one organization whose names are alike."""
    by_organization: dict[str, list[int]] = {}
    for i, person in enumerate(people):
        if person.organization and fold(person.organization):
            by_organization.setdefault(fold(person.organization), []).append(i)
    ordered = (list(by_organization) if organization_rank is None
               else sorted(by_organization, key=organization_rank.__getitem__))
    for members in (by_organization[o] for o in ordered):
        folded = {i: name_key(people[i].name) for i in members}
        for i, j in _close_pairs(members, folded, name_threshold):
            if joined.root(i) == joined.root(j):
                continue
            matcher = SequenceMatcher(None, folded[i], folded[j], autojunk=False)
            # The cheap upper bounds rule out most pairs before the real ratio is computed.
            if (matcher.real_quick_ratio() >= name_threshold
                    and matcher.quick_ratio() >= name_threshold):
                ratio = matcher.ratio()
                if ratio >= name_threshold:
                    joined.join(i, j, Reason.NAME, f"{people[i].name} ≈ {people[j].name} "
                                                   f"({ratio:.2f}) at {people[i].organization}")


@dataclass(frozen=True)
class FieldChoice:
    """Which entry a single-valued field comes from, and what the others offered."""

    field: str
    value: str | None
    source: ContactId | None
    options: tuple[tuple[ContactId, str], ...]  # every distinct non-empty value on offer


@dataclass(frozen=True)
class MergePlan:
    survivor: ContactId
    absorbed: tuple[ContactId, ...]
    fields: ContactFields
    choices: tuple[FieldChoice, ...]


def plan_merge(contacts: Sequence[Contact], *, survivor: ContactId | None = None,
               prefer: Mapping[str, ContactId] | None = None) -> MergePlan:
    """Merge `contacts` into `survivor` (default: the first); `prefer` picks per field."""
    if len(contacts) < 2:
        raise InvalidInput("choose at least two contacts to merge.", field="contacts")
    by_id = {c.id: c for c in contacts}
    if len(by_id) != len(contacts):
        raise InvalidInput("the same contact is listed twice.", field="contacts")
    keep = survivor or contacts[0].id
    if keep not in by_id:
        raise InvalidInput("the contact to keep must be one of those being merged.",
                           field="survivor")
    prefer = prefer or {}
    for field_name, chosen in prefer.items():
        if field_name not in SINGLE_FIELDS:
            raise InvalidInput(f"cannot choose {field_name!r}; choose among "
                               f"{', '.join(SINGLE_FIELDS)}.", field="prefer")
        if chosen not in by_id:
            raise InvalidInput(f"the {field_name} must come from one of the contacts being "
                               "merged.", field="prefer")
    ordered = [by_id[keep]] + [c for c in contacts if c.id != keep]
    choices = tuple(_choose(name, ordered, prefer.get(name)) for name in SINGLE_FIELDS)
    values = {choice.field: choice.value for choice in choices}
    emails = _union_labeled([e for c in ordered for e in c.emails], casefold=True)
    phones = _union_labeled([p for c in ordered for p in c.phones], casefold=False)
    tags = list(dict.fromkeys(t for c in ordered for t in c.tags))
    links = list(dict.fromkeys(link for c in ordered for link in c.links))
    for label, items in (("emails", emails), ("phones", phones), ("tags", tags),
                         ("links", links)):
        if len(items) > MAX_VALUES:
            raise InvalidInput(f"together these contacts hold {len(items)} {label}; a contact "
                               f"can hold {MAX_VALUES}. Remove some first.", field=label)
    notes = "\n\n".join(dict.fromkeys(c.notes.strip() for c in ordered
                                      if c.notes and c.notes.strip())) or None
    if notes is not None and len(notes) > MAX_TEXT:
        raise InvalidInput(f"the merged notes would be {len(notes):,} characters; shorten "
                           f"them below {MAX_TEXT:,} first.", field="notes")
    fields = ContactFields(name=values["name"], emails=emails, phones=phones, links=links,
                           tags=tags, organization=values["organization"],
                           role=values["role"], location=values["location"],
                           how_we_met=values["how_we_met"], notes=notes)
    return MergePlan(survivor=keep, absorbed=tuple(c.id for c in ordered[1:]), fields=fields,
                     choices=choices)


def merged_tie(survivor: ContactId, ties: Sequence[Tie]) -> Tie | None:
    """One tie for the merged contact: the survivor's settings, the earliest start, and
    anything the survivor left unset taken from the others (highest trust first)."""
    if not ties:
        return None
    main = next((t for t in ties if t.contact == survivor), None)
    others = sorted((t for t in ties if t.contact != survivor),
                    key=lambda t: -(t.stated_trust or 0))
    ordered = ([main] if main else []) + others
    starts = [t.started_on for t in ordered if t.started_on is not None]
    return Tie(
        owner=ordered[0].owner, contact=survivor,
        stated_trust=next((t.stated_trust for t in ordered if t.stated_trust is not None), None),
        cadence_days=next((t.cadence_days for t in ordered if t.cadence_days is not None), None),
        started_on=min(starts) if starts else None,
        strength_override=main.strength_override if main else None,
        override_at=main.override_at if main else None,
        policy=next((t.policy for t in ordered if t.policy is not None), None),
        version=main.version if main else 1)


def _choose(field_name: str, ordered: list[Contact], chosen: ContactId | None) -> FieldChoice:
    offered: dict[str, ContactId] = {}
    for contact in ordered:
        value = getattr(contact, field_name)
        if value:
            offered.setdefault(value, contact.id)
    options = tuple((cid, value) for value, cid in offered.items())
    if chosen is not None:
        value = getattr(next(c for c in ordered if c.id == chosen), field_name)
        return FieldChoice(field_name, value, chosen, options)
    for contact in ordered:
        value = getattr(contact, field_name)
        if value:
            return FieldChoice(field_name, value, contact.id, options)
    return FieldChoice(field_name, None, None, options)


def _union_labeled(values: list[Labeled], *, casefold: bool) -> list[Labeled]:
    """First spelling wins; a label from a later duplicate fills a missing one."""
    seen: dict[str, Labeled] = {}
    for value in values:
        key = value.value.casefold() if casefold else value.value
        current = seen.get(key)
        if current is None:
            seen[key] = value
        elif current.label is None and value.label is not None:
            seen[key] = Labeled(current.value, value.label)
    return list(seen.values())
