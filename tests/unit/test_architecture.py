"""The dependency rule of docs/architecture.md, checked on every import in `src`."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kithbook"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# What each layer may import besides the standard library.
ALLOWED: dict[str, set[str]] = {
    "domain": {"kithbook.domain"},
    "graph": {"kithbook.domain", "kithbook.graph", "numba", "numpy", "scipy"},
}
FORBIDDEN_IN_FACES = ("kithbook.storage", "sqlalchemy", "alembic", "psycopg")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_inner_layers_import_only_what_they_may(layer: str) -> None:
    offenders = []
    for path in _modules(layer):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in STDLIB:
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in ALLOWED[layer]):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


@pytest.mark.parametrize("layer", ["web", "cli"])
def test_faces_never_touch_storage_or_sqlalchemy(layer: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if name.startswith(FORBIDDEN_IN_FACES)
    ]
    assert offenders == []


def test_services_do_not_import_storage() -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _modules("services")
        for name in _imports(path)
        if name.startswith(FORBIDDEN_IN_FACES)
    ]
    assert offenders == []


def test_the_rule_itself_catches_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom numpy import array\nimport os\n")
    assert _imports(bad) == ["sqlalchemy", "numpy", "os"]
