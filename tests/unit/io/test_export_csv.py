import csv
from datetime import date
from io import StringIO

import pytest

from kithbook.domain.contacts import Contact, Labeled
from kithbook.domain.ids import ContactId, MemberId
from kithbook.domain.ties import Tie
from kithbook.io.export_csv import COLUMNS, inert, write_contacts_csv

ME = MemberId("m0000000001a")


@pytest.mark.parametrize("cell", ["=1+1", "+HYPERLINK(\"x\")", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell: str) -> None:
    assert inert(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ada", "", "a=b", "ada@example.org", " =1"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert inert(cell) == cell


def test_export_writes_a_bom_header_and_escaped_rows() -> None:
    eve = Contact(id=ContactId("c0000000000e"), owner=ME, name="=HYPERLINK(\"http://x\")",
                  emails=[Labeled("eve@example.org"), Labeled("e@example.org")],
                  phones=[Labeled("+12025550143")], tags=["a", "b"],
                  notes="-2+3 first line\nsecond, line")
    out = StringIO(newline="")
    count = write_contacts_csv([eve], out, ties=[Tie(owner=ME, contact=eve.id, stated_trust=4,
                                                     started_on=date(2024, 1, 15))])
    assert count == 1
    text = out.getvalue()
    assert text.startswith("\ufeffid,name,")
    header, row = list(csv.reader(StringIO(text.lstrip("\ufeff"))))
    assert tuple(header) == COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["name"] == "'=HYPERLINK(\"http://x\")"
    assert cells["emails"] == "eve@example.org ::: e@example.org"
    assert cells["phones"] == "'+12025550143"
    assert cells["notes"] == "'-2+3 first line\nsecond, line"
    assert (cells["stated_trust"], cells["started_on"]) == ("4", "2024-01-15")
