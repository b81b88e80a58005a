"""Local mode: warm paths through one member's own knowledge of who knows whom.

In a book with one member the only ties with policies are the member's own. The member
may also record links between contacts ("Bob works with Carol", with a strength). Every
such link is the member's knowledge, so it is owned by the member and always usable by
them: it becomes a named, anyone-may-ask tie in both directions. The member's own ties
get a reverse tie of the same strength with unstated trust, because a contact who is not
a member has stated nothing; that reverse tie is what an intermediary's agree chance is
read from, so "Bob agrees" means "Bob knows me about as well as I know him".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kithbook.graph.policy import ANYONE, NAMED
from kithbook.graph.snapshot import PeopleArrays, Snapshot, TieArrays


def local_snapshot(member: int, contacts: Any, strength: Any, trust: Any,
                   link_a: Any, link_b: Any, link_strength: Any,
                   people: PeopleArrays) -> Snapshot:
    """A snapshot of one member's book.

    `contacts`, `strength`, `trust`: the member's ties (person numbers, strength in [0, 1],
    stated trust 0..5). `link_a`, `link_b`, `link_strength`: recorded contact-to-contact
    links, undirected. People are numbered by the caller; `member` is one of them.
    """
    c = np.asarray(contacts, dtype=np.int32)
    a = np.asarray(link_a, dtype=np.int32)
    b = np.asarray(link_b, dtype=np.int32)
    own = np.full(len(c), member, dtype=np.int32)
    s = np.asarray(strength, dtype=np.float32)
    ls = np.asarray(link_strength, dtype=np.float32)
    ties = TieArrays.of(
        src=np.concatenate([own, c, a, b]), dst=np.concatenate([c, own, b, a]),
        strength=np.concatenate([s, s, ls, ls]),
        trust=np.concatenate([np.asarray(trust, dtype=np.int8),
                              np.zeros(len(c) + 2 * len(a), dtype=np.int8)]),
        visibility=NAMED, ask_rule=ANYONE)
    return Snapshot.build(ties, people)
