"""docs/architecture.md names every module of the package, and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "kithbook"
DOC = ROOT / "docs" / "architecture.md"


def _modules() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts:
            continue
        if path.name == "__init__.py" and len(relative.parts) > 1:
            continue
        found.add(relative.as_posix())
    return found


def _mapped() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Module map", 1)[1]
    return set(re.findall(r"^\| `([\w/]+\.py)` \|", section, flags=re.MULTILINE))


def test_the_module_map_lists_exactly_the_modules_that_exist() -> None:
    mapped, modules = _mapped(), _modules()
    assert sorted(modules - mapped) == [], "add these to the module map"
    assert sorted(mapped - modules) == [], "these are gone: remove them from the module map"


def test_the_module_map_says_what_each_module_holds() -> None:
    section = DOC.read_text(encoding="utf-8").split("## Module map", 1)[1]
    empty = re.findall(r"^\| `([\w/]+\.py)` \|\s*\|", section, flags=re.MULTILINE)
    assert empty == []
