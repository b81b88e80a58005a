"""The kept list of likely duplicates, updated from what changed, against the list a
whole comparison of the book gives, after random adds, edits, deletes, merges and imports."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kithbook.domain.contacts import ContactFields, Labeled
from kithbook.domain.ids import MemberId
from kithbook.services.duplicates import list_duplicates
from kithbook.services.facade import Kithbook

NAMES = ["Ada Lovelace", "Lovelace, Ada", "Ada Lovelac", "Bob Smith", "Bob Smyth",
         "Rob Smith", "José Núñez", "jose nunez", "Ann Lee", "Anne Lee", "Cy Twombly"]
ORGANIZATIONS = [None, "Acme", "ACME", "Globex", "Initech"]
EMAILS = ["ada@example.org", "ADA@example.org", "bob@example.org", "ann@example.org"]
PHONES = ["+14155550100", "+14155550101"]


def _fields(r: random.Random) -> ContactFields:
    return ContactFields(name=r.choice(NAMES), organization=r.choice(ORGANIZATIONS),
                         emails=[Labeled(e) for e in r.sample(EMAILS, r.randint(0, 2))],
                         phones=[Labeled(p) for p in r.sample(PHONES, r.randint(0, 1))])


def _card(fields: ContactFields) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{fields.name}"]
    lines += [f"ORG:{fields.organization}"] if fields.organization else []
    lines += [f"EMAIL:{e.value}" for e in fields.emails or []]
    return "\n".join([*lines, "END:VCARD"])


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_list_is_the_whole_comparisons_after_any_changes(
        kb: Kithbook, tmp_path: Path, seed: int) -> None:
    r = random.Random(seed)
    me = MemberId(kb.book.init_local_member("Sam")[0].id)
    for _ in range(12):
        kb.book.add_contact(me, _fields(r))
    seen_sets = 0
    for step in range(30):
        with kb.uow().reading() as uow:
            ids = [c.id for c in uow.contacts.all(me)]
        if step % 3 == 0:
            kb.transfer.list_duplicates(me)  # kept here, updated at the next read
        choice = r.random()
        if choice < 0.25 or len(ids) < 3:
            kb.book.add_contact(me, _fields(r))
        elif choice < 0.5:
            kb.book.edit_contact(me, r.choice(ids), _fields(r), exact=True)
        elif choice < 0.65:
            kb.book.delete_contact(me, r.choice(ids), exact=True)
        elif choice < 0.8:
            keep, *others = r.sample(ids, r.randint(2, 3))
            kb.transfer.merge_contacts(me, keep, others)
        else:
            path = tmp_path / f"import-{step}.vcf"
            path.write_text("\n".join(_card(_fields(r)) for _ in range(r.randint(1, 4))))
            kb.transfer.import_file(me, path)
        kept = kb.transfer.list_duplicates(me)
        assert kept == list_duplicates(kb.uow(), me), f"after step {step}"
        seen_sets += len(kept)
    assert seen_sets > 0  # the book had duplicates to keep up to date
