"""The dependency rule of docs/architecture.md, checked on every import in `src`."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kithbook"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# What each layer may import besides the standard library.
ALLOWED: dict[str, set[str]] = {
    "domain": {"kithbook.domain"},
    "graph": {"kithbook.domain", "kithbook.graph", "numba", "numpy", "scipy"},
    "lab": {"kithbook.domain", "kithbook.graph", "kithbook.lab", "numpy", "scipy"},
    "values": {"kithbook.domain", "kithbook.values", "email_validator", "phonenumbers"},
}
# What each layer of ours must never import: the layers above it.
ABOVE: dict[str, tuple[str, ...]] = {
    "io": ("kithbook.services", "kithbook.storage", "kithbook.web", "kithbook.cli",
           "kithbook.bootstrap"),
    "services": ("kithbook.web", "kithbook.cli", "kithbook.bootstrap"),
    "storage": ("kithbook.web", "kithbook.cli", "kithbook.bootstrap"),
    "web": ("kithbook.cli",),
    "cli": ("kithbook.web.pages", "kithbook.web.api"),
}
# Storage implements the services' ports, and knows nothing else of them.
STORAGE_MAY_USE = ("kithbook.services.ports", "kithbook.services.capture_ports",
                   "kithbook.services.undo_ports")
# Research code serves benchmarks and tests; only the command that reports on it may use it.
LAB_USERS = {"cli/trust.py"}
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


def _offenders(paths: Iterable[Path], forbidden: Callable[[str], bool]) -> list[str]:
    return [f"{path.relative_to(SRC)} imports {name}"
            for path in paths for name in _imports(path) if forbidden(name)]


def _not_allowed(layer: str) -> Callable[[str], bool]:
    def forbidden(name: str) -> bool:
        return name.split(".")[0] not in STDLIB and not any(
            name == ok or name.startswith(ok + ".") for ok in ALLOWED[layer])
    return forbidden


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_inner_layers_import_only_what_they_may(layer: str) -> None:
    assert _offenders(_modules(layer), _not_allowed(layer)) == []


@pytest.mark.parametrize("layer", ["web", "cli", "services"])
def test_faces_and_services_never_touch_storage_or_sqlalchemy(layer: str) -> None:
    assert _offenders(_modules(layer), lambda name: name.startswith(FORBIDDEN_IN_FACES)) == []


@pytest.mark.parametrize("layer", sorted(ABOVE))
def test_no_layer_imports_the_layers_above_it(layer: str) -> None:
    assert _offenders(_modules(layer), lambda name: name.startswith(ABOVE[layer])) == []


def test_storage_knows_of_the_services_only_their_ports() -> None:
    assert _offenders(_modules("storage"), lambda name: name.startswith(
        "kithbook.services") and not name.startswith(STORAGE_MAY_USE)) == []


def test_the_services_draw_no_pictures() -> None:
    """Pictures (SVG) are the faces' business: services hand over what to draw."""
    assert _offenders(_modules("services"), lambda name: name.startswith(
        ("kithbook.io.charts", "kithbook.io.network_map"))) == []


def test_only_the_trust_eval_command_uses_research_code() -> None:
    outside = [path for path in SRC.rglob("*.py")
               if path.relative_to(SRC).parts[0] != "lab"
               and path.relative_to(SRC).as_posix() not in LAB_USERS]
    assert _offenders(outside, lambda name: name.startswith("kithbook.lab")) == []


def test_the_rule_itself_catches_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom numpy import array\nimport os\n")
    assert _imports(bad) == ["sqlalchemy", "numpy", "os"]


# ---- nothing blocks the event loop -------------------------------------------------------
# An `async def` in the web face runs on the worker's event loop: while it computes, no
# other request of that worker moves. A service call (the database, Argon2), a storage or
# bootstrap call, or file work there stalls them all (a login flood once took an unrelated
# `/api/v1/me` from 9 ms to 3.1 s). Such work belongs in a plain `def` route, which FastAPI
# runs in the thread pool, or behind `run_in_threadpool`.

WEB = SRC / "web"
# Facade attributes whose methods are plain values: the clock, the settings.
PLAIN_FACADE_PARTS = {"clock", "settings"}
# Functions of the services and io that are plain computation: an HMAC of the session
# token; drawing a map already read into memory.
# `unkeyed` wraps a call without making it; `carrying` sets a context variable.
PURE_FUNCTIONS = {"csrf_token", "csrf_matches", "legend", "map_svg", "path_svg",
                  "unkeyed", "check_key", "carrying"}
# Reads that never wait (a busy database gives None, and the thread pool takes over):
# `web/deps.py:answered` calls them on the loop, on a SQLite book only (docs/architecture.md,
# "Serving requests"). They are allowed as the first argument of `answered` and nowhere else.
NON_WAITING = {"kb.book.read_contacts", "kb.at_once"}
BLOCKING_MODULES = ("kithbook.bootstrap", "kithbook.storage", "kithbook.services",
                    "kithbook.io", "argon2", "sqlalchemy", "psycopg", "shutil", "subprocess",
                    "tempfile", "time", "os", "socket")
BLOCKING_BUILTINS = {"open", "input"}
FILE_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "mkdir",
                "iterdir", "unlink", "rmdir", "exists", "is_dir", "is_file", "stat", "glob",
                "rglob", "touch", "rename", "replace", "resolve", "copyfileobj", "rmtree"}
FACADE_NAMES = {"kb", "services"}
# The lifespan runs once as the server starts and stops, while no request is served.
EXEMPT = {"web/server.py:background"}


def _web_modules() -> dict[str, ast.Module]:
    return {".".join(("kithbook",) + path.relative_to(SRC).with_suffix("").parts):
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for path in sorted(WEB.rglob("*.py"))}


def _imported(tree: ast.Module) -> dict[str, str]:
    """Local name → the module (and name) it was imported from."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = alias.name
    return names


Function = ast.FunctionDef | ast.AsyncFunctionDef


class _LoopCheck:
    """Finds the blocking calls an `async def` makes on the loop, following the calls it
    makes to the web face's own functions and to functions nested in it."""

    def __init__(self, modules: dict[str, ast.Module]) -> None:
        self.modules = modules
        self.imports = {name: _imported(tree) for name, tree in modules.items()}
        self.functions: dict[str, Function] = {
            f"{name}.{node.name}": node for name, tree in modules.items()
            for node in tree.body if isinstance(node, Function)}

    def offences(self, module: str, function: Function) -> list[str]:
        found: list[str] = []
        self._walk(module, function, found, seen=set(), nested={})
        return found

    def _walk(self, module: str, function: Function, found: list[str], seen: set[str],
              nested: dict[str, Function]) -> None:
        key = f"{module}.{function.name}@{function.lineno}"
        if key in seen:
            return
        seen.add(key)
        nested = {**nested, **{n.name: n for n in function.body if isinstance(n, Function)}}
        for node in self._executed(function.body):
            if isinstance(node, ast.Call):
                self._call(module, node, found, seen, nested)

    def _executed(self, body: list[ast.stmt]) -> list[ast.AST]:
        """The nodes run where they stand: not the bodies of nested functions or lambdas
        (those run where they are called), and not `answered`'s first argument."""
        out: list[ast.AST] = []
        todo: list[ast.AST] = list(body)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                          | ast.ClassDef):
                continue
            if isinstance(node, ast.Call) and _name_of(node.func) == "answered" and len(
                    node.args) >= 2:
                out.append(node)
                todo.extend([node.func, *node.args[2:], *node.keywords])
                continue
            out.append(node)
            todo.extend(ast.iter_child_nodes(node))
        return sorted(out, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))

    def _call(self, module: str, call: ast.Call, found: list[str], seen: set[str],
              nested: dict[str, Function]) -> None:
        where = f"{module}:{call.lineno}"
        chain = _chain(call.func)
        if _name_of(call.func) == "answered" and len(call.args) >= 2:
            now = call.args[1]
            if not (isinstance(now, ast.Lambda) and isinstance(now.body, ast.Call)
                    and _chain(now.body.func)[:1] in ([n] for n in FACADE_NAMES)
                    and ".".join(["kb", *_chain(now.body.func)[1:]]) in NON_WAITING):
                found.append(f"{where}: answered() reads on the loop only through "
                             f"{sorted(NON_WAITING)}")
            return
        if not chain:
            return
        head = chain[0]
        if head in FACADE_NAMES and len(chain) >= 2:
            if chain[1] not in PLAIN_FACADE_PARTS:
                found.append(f"{where}: {'.'.join(chain)}() calls the services")
            return
        if len(chain) == 1 and head in BLOCKING_BUILTINS:
            found.append(f"{where}: {head}() does file work")
            return
        if len(chain) >= 2 and chain[-1] in FILE_METHODS:
            found.append(f"{where}: .{chain[-1]}() does file work")
            return
        origin = self.imports[module].get(head)
        if origin is not None:
            # A capitalised name from the services or io is a value made there (a query, an
            # enumeration), not a use case.
            value = origin.startswith(("kithbook.services", "kithbook.io")) \
                and chain[-1][:1].isupper()
            if origin.startswith(BLOCKING_MODULES) and chain[-1] not in PURE_FUNCTIONS \
                    and not value:
                found.append(f"{where}: {'.'.join(chain)}() ({origin}) blocks")
                return
            target = self.functions.get(origin)
            if target is not None and len(chain) == 1:
                self._walk(origin.rsplit(".", 1)[0], target, found, seen, {})
            return
        if len(chain) == 1:
            if head in nested:
                self._walk(module, nested[head], found, seen, nested)
            elif f"{module}.{head}" in self.functions:
                self._walk(module, self.functions[f"{module}.{head}"], found, seen, {})


def _chain(node: ast.AST) -> list[str]:
    """`kb.clock.today` → ["kb", "clock", "today"]; `request.app.state.kb.x` → ["kb", "x"]."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):  # `(await x()).y()`: judged by `x()` itself
        return []
    if isinstance(node, ast.Await):
        return []
    if not isinstance(node, ast.Name):
        return []
    parts.append(node.id)
    parts.reverse()
    for name in FACADE_NAMES:  # the services reached through the app's state
        if name in parts[1:-1]:
            return parts[parts.index(name, 1):]
    return parts


def _name_of(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _async_functions(modules: dict[str, ast.Module]) -> list[tuple[str, ast.AsyncFunctionDef]]:
    found = []
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef):
                short = f"web/{name.removeprefix('kithbook.web.').replace('.', '/')}.py"
                if f"{short}:{node.name}" not in EXEMPT:
                    found.append((name, node))
    return found


def test_no_async_function_of_the_web_face_blocks_the_event_loop() -> None:
    modules = _web_modules()
    check = _LoopCheck(modules)
    offences = [f"async {function.name}: {offence}"
                for module, function in _async_functions(modules)
                for offence in check.offences(module, function)]
    assert offences == []


def test_the_loop_rule_catches_blocking_calls() -> None:
    source = '''
from kithbook.bootstrap import bootstrap
from kithbook.io.network_map import legend
from kithbook.services.passwords import hash_password
from kithbook.web.deps import answered

def helper(kb):
    return kb.book.list_contacts("m")

async def route(request, kb, form):
    kb.accounts.log_in(form["email"], form["password"])
    hash_password("x")
    bootstrap(None)
    open("/tmp/x")
    request.app.state.kb.book.add_contact("m")
    helper(kb)
    def inner():
        return kb.book.get_contact("m", "c")
    inner()
    await answered(request, lambda: kb.book.list_contacts("m"), lambda: 1)
    kb.clock.today()

async def fine(request, kb):
    await answered(request, lambda: kb.book.read_contacts("m", 1),
                   lambda: kb.book.list_contacts("m"))
    return legend(1, 2)
'''
    tree = ast.parse(source)
    check = _LoopCheck({"kithbook.web.sample": tree})
    functions = {n.name: n for n in tree.body if isinstance(n, ast.AsyncFunctionDef)}
    offences = check.offences("kithbook.web.sample", functions["route"])
    assert [o.split(": ", 1)[1] for o in offences] == [
        "kb.accounts.log_in() calls the services",
        "hash_password() (kithbook.services.passwords.hash_password) blocks",
        "bootstrap() (kithbook.bootstrap.bootstrap) blocks",
        "open() does file work",
        "kb.book.add_contact() calls the services",
        "kb.book.list_contacts() calls the services",
        "kb.book.get_contact() calls the services",
        "answered() reads on the loop only through ['kb.at_once', 'kb.book.read_contacts']",
    ]
    assert check.offences("kithbook.web.sample", functions["fine"]) == []
