"""The JSON schema in docs/import-export.md names every field the exporter writes."""

import re
from pathlib import Path

import pytest

from kithbook.io.export_json import (
    BookDoc,
    ContactDoc,
    ContactLinkDoc,
    InteractionDoc,
    MemberDoc,
    PolicyDoc,
    TieDoc,
)

DOC = Path(__file__).parents[3] / "docs" / "import-export.md"


def _documented_fields() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE))


@pytest.mark.parametrize("shape", [BookDoc, MemberDoc, PolicyDoc, ContactDoc, TieDoc,
                                   InteractionDoc, ContactLinkDoc])
def test_every_json_field_is_documented(shape: type) -> None:
    missing = set(shape.__annotations__) - _documented_fields()
    assert not missing, f"document {sorted(missing)} in docs/import-export.md"
