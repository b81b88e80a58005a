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


LONG = 400  # lines past which a module is split by noun, or says here why it is not


def _long_modules_explained() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Long modules", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^- `([\w/]+\.py)`: *(.*)$", section, flags=re.MULTILINE))


def test_a_module_past_400_lines_says_why_it_stays_whole() -> None:
    long = {name for name in _modules()
            if len((SRC / name).read_text(encoding="utf-8").splitlines()) > LONG}
    explained = _long_modules_explained()
    unexplained = sorted(name for name in long if not explained.get(name, "").strip())
    assert unexplained == [], ("split these, or say in docs/architecture.md under "
                               "'Long modules' why each stays whole")


def test_the_long_modules_named_still_exist() -> None:
    gone = sorted(set(_long_modules_explained()) - _modules())
    assert gone == [], "these are gone: remove them from 'Long modules'"
