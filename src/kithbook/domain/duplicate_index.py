"""A book's likely duplicates kept up to date one change at a time (`DuplicateIndex`),
always what `find_duplicates` gives for the whole book."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kithbook.domain.duplicates import (
    NAME_THRESHOLD,
    Candidate,
    DuplicateGroup,
    _counted,
    _ratio,
    find_duplicates,
    fold,
    name_key,
)


def book_order(candidate: Candidate) -> tuple[str, str]:
    """The order a book's candidates are compared in (and its sets listed in)."""
    return (candidate.name.casefold(), candidate.key)


# Past this many changes at once (an import), comparing the whole book again is cheaper
# than looking for each change's possible partners one by one.
REBUILD_ABOVE = 300


@dataclass
class DuplicateIndex:
    """A book's likely duplicates kept up to date one change at a time, equal by
    construction to `find_duplicates` over the whole book in `book_order`.

    Why it is equal. `find_duplicates` takes pairs in a fixed order and records a pair
    only when it joins two groups (Kruskal's algorithm): a group and its evidence depend
    only on the pairs inside it, and on their order. A change can alter only the groups
    of the changed candidates (before the change) and of every candidate they could now
    pair with: sharing an email or a phone, or at the same organization with names that
    pass the character count (`quick_ratio`) that every name pair must pass. Those groups
    are closed under every pair, so comparing them again with `find_duplicates`, in book
    order and with the organizations in the whole book's order (`organization_rank`: each
    one's first candidate), gives what the whole book would. A change that moves an
    organization's first candidate can reorder its pairs against another organization's
    in a group that spans both: those groups are compared again too. Every other group
    keeps its pairs and their order, and stays as it was."""

    threshold: float = NAME_THRESHOLD
    _people: dict[str, Candidate] = field(default_factory=dict)
    _order: dict[str, tuple[str, str]] = field(default_factory=dict)
    _organization: dict[str, str] = field(default_factory=dict)  # key -> folded, or ""
    _name: dict[str, str] = field(default_factory=dict)  # key -> name_key
    _holders: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    _members: dict[str, set[str]] = field(default_factory=dict)
    _rank: dict[str, tuple[str, str]] = field(default_factory=dict)
    _group_of: dict[str, str] = field(default_factory=dict)  # key -> group's first key
    _groups: dict[str, DuplicateGroup] = field(default_factory=dict)
    _dropped: set[str] = field(default_factory=set)  # groups taken apart by this update

    @classmethod
    def of(cls, candidates: Iterable[Candidate], *,
           threshold: float = NAME_THRESHOLD) -> DuplicateIndex:
        index = cls(threshold)
        for candidate in candidates:
            index._add(candidate)
        index._rank_all()
        index._compare(set(index._people))
        return index

    def groups(self) -> list[DuplicateGroup]:
        """As `find_duplicates` gives them for the whole book in `book_order`."""
        return sorted(self._groups.values(), key=lambda g: self._order[g.keys[0]])

    def update(self, changed: Iterable[Candidate], removed: Iterable[str] = ()) -> set[str]:
        """Take in new or changed candidates and forget removed keys; returns the first
        keys of the groups that went or came (every other group is as it was)."""
        changed = list(changed)
        gone = set(removed) | {c.key for c in changed}
        self._dropped = set()
        if len(gone) > REBUILD_ABOVE:
            touched = set(self._groups)
            for key in gone:
                if key in self._people:
                    self._drop(key)
            for candidate in changed:
                self._add(candidate)
            self._rank_all()
            return touched | self._compare(set(self._people)) | self._dropped
        affected: set[str] = set()
        organizations: set[str] = set()
        for key in gone:
            if key in self._people:
                affected |= self._group_members(key)
                organizations.add(self._drop(key))
        for candidate in changed:
            self._add(candidate)
            organizations.add(self._organization[candidate.key])
        for candidate in changed:
            for other in self._partners(candidate.key):
                affected |= self._group_members(other)
        for organization in organizations - {""}:
            members = self._members.get(organization)
            first = min(self._order[k] for k in members) if members else None
            if first == self._rank.get(organization):
                continue
            if first is None:
                del self._rank[organization]
                continue
            self._rank[organization] = first
            for key in members or ():
                group = self._groups.get(self._group_of.get(key, ""))
                if group is not None and len({self._organization[k] for k in group.keys
                                              if k in self._people} - {""}) > 1:
                    affected |= self._group_members(key)
        affected |= {c.key for c in changed}
        return self._compare({k for k in affected if k in self._people}) | self._dropped

    def _add(self, candidate: Candidate) -> None:
        key = candidate.key
        self._people[key] = candidate
        self._order[key] = book_order(candidate)
        self._name[key] = name_key(candidate.name)
        organization = fold(candidate.organization) if candidate.organization else ""
        self._organization[key] = organization
        if organization:
            self._members.setdefault(organization, set()).add(key)
        for value in _values_of(candidate):
            self._holders.setdefault(value, set()).add(key)

    def _drop(self, key: str) -> str:
        """Forget `key` everywhere but in the groups; returns its organization."""
        self._ungroup(key)
        candidate = self._people.pop(key)
        del self._order[key], self._name[key]
        organization = self._organization.pop(key)
        if organization:
            self._members[organization].discard(key)
            if not self._members[organization]:
                del self._members[organization]
        for value in _values_of(candidate):
            self._holders[value].discard(key)
            if not self._holders[value]:
                del self._holders[value]
        return organization

    def _ungroup(self, key: str) -> set[str]:
        """Take apart the group `key` is in; returns its first key, if it had one."""
        first = self._group_of.get(key)
        group = self._groups.pop(first, None) if first is not None else None
        if group is None:
            return set()
        for member in group.keys:
            self._group_of.pop(member, None)
        self._dropped.add(group.keys[0])
        return {group.keys[0]}

    def _rank_all(self) -> None:
        self._rank = {o: min(self._order[k] for k in members)
                      for o, members in self._members.items()}

    def _group_members(self, key: str) -> set[str]:
        group = self._groups.get(self._group_of.get(key, ""))
        return set(group.keys) if group is not None else {key}

    def _partners(self, key: str) -> set[str]:
        """Every candidate `key` could pair with: a superset of `find_duplicates`' pairs."""
        found: set[str] = set()
        for value in _values_of(self._people[key]):
            found |= self._holders[value]
        organization = self._organization[key]
        if organization:
            mine = self._name[key]
            chars = frozenset(_counted(mine))
            for other in self._members[organization]:
                theirs = self._name[other]
                length = len(mine) + len(theirs)
                # The lengths bound the ratio first (`real_quick_ratio`), then the
                # characters in common (`quick_ratio`), as `_close_pairs` counts them.
                if (_ratio(min(len(mine), len(theirs)), length) >= self.threshold
                        and _ratio(len(chars & frozenset(_counted(theirs))), length)
                        >= self.threshold):
                    found.add(other)
        found.discard(key)
        return found

    def _compare(self, keys: set[str]) -> set[str]:
        """Compare `keys` (whole groups and the changed) again; returns the first keys of
        the groups that went or came."""
        touched: set[str] = set()
        for key in keys:
            touched |= self._ungroup(key)
        people = sorted((self._people[k] for k in keys), key=book_order)
        for group in find_duplicates(people, name_threshold=self.threshold,
                                     organization_rank=self._rank):
            first = group.keys[0]
            self._groups[first] = group
            touched.add(first)
            for key in group.keys:
                self._group_of[key] = first
        return touched


def _values_of(candidate: Candidate) -> set[tuple[str, str]]:
    return ({("e", e.casefold()) for e in candidate.emails}
            | {("p", p) for p in candidate.phones})
