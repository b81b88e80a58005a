"""Local mode: warm paths through one member's own knowledge of who knows whom.

In a book with one member the only ties with policies are the member's own. The member
may also record links between contacts ("Bob works with Carol", with a strength). Every
such link is the member's knowledge, so it is owned by the member and always usable by
them: it becomes a named, anyone-may-ask tie in both directions. The member's own ties
get a reverse tie of the same strength with unstated trust, because a contact who is not
a member has stated nothing; that reverse tie is what an intermediary's agree chance is
read from, so "Bob agrees" means "Bob knows me about as well as I know him".

A contact the member already knows (`known`) is never introduced to them: links lead
out of them (they can be asked) but not into them, so no path asks someone to introduce
the member to a person they could simply write to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kithbook.graph.policy import ANYONE, NAMED
from kithbook.graph.snapshot import PeopleArrays, Snapshot, TieArrays


def local_snapshot(member: int, contacts: Any, strength: Any, trust: Any,
                   link_a: Any, link_b: Any, link_strength: Any,
                   people: PeopleArrays, known: Any = None) -> Snapshot:
    """A snapshot of one member's book.

    `contacts`, `strength`, `trust`: the member's ties (person numbers, strength in [0, 1],
    stated trust 0..5). `link_a`, `link_b`, `link_strength`: recorded contact-to-contact
    links, undirected. `known`: per person, whether the member already knows them (no
    link leads into them). People are numbered by the caller; `member` is one of them.
    """
    c = np.asarray(contacts, dtype=np.int32)
    a = np.asarray(link_a, dtype=np.int32)
    b = np.asarray(link_b, dtype=np.int32)
    own = np.full(len(c), member, dtype=np.int32)
    s = np.asarray(strength, dtype=np.float32)
    ls = np.asarray(link_strength, dtype=np.float32)
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    link_s = np.concatenate([ls, ls])
    if known is not None:
        into_stranger = ~np.asarray(known, dtype=np.bool_)[dst]
        src, dst, link_s = src[into_stranger], dst[into_stranger], link_s[into_stranger]
    ties = TieArrays.of(
        src=np.concatenate([own, c, src]), dst=np.concatenate([c, own, dst]),
        strength=np.concatenate([s, s, link_s]),
        trust=np.concatenate([np.asarray(trust, dtype=np.int8),
                              np.zeros(len(c) + len(src), dtype=np.int8)]),
        visibility=NAMED, ask_rule=ANYONE)
    return Snapshot.build(ties, people)
