"""The layout the guide sets, checked on the source (ast): what may import what, and no import cycles.

- geo/ imports neither streamlit nor folium; layers/ does not import streamlit nor ui (labels are passed in).
- The product (geo, layers, ui, serve, streamlit_app.py) never imports test or dev tooling (tests, devtools,
  bench); scripts/ use devtools, not tests.
- No two modules of the project import each other, directly or through others (lazy imports included).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "layers", "ui", "serve", "devtools", "bench", "scripts", "data")
FIRST_PARTY = (*PACKAGES, "streamlit_app", "tests")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    files = [ROOT / "streamlit_app.py", *(f for p in PACKAGES for f in (ROOT / p).rglob("*.py"))]
    return {module_name(f): f for f in files if f.is_file()}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (top-level or inside a function), as dotted names."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                   for stmt in block.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:  # `if TYPE_CHECKING:` imports never run: no cycle at import time
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()  # none: any cycle fails

MODULES = sources()
GRAPH = {name: {m for m in imports(path) if m in MODULES and m != name and (name, m) not in KNOWN_CYCLE_EDGES}
         for name, path in MODULES.items()}


def test_the_source_was_found():
    assert {"geo.io.atlas", "layers.render", "ui.mapview", "serve.launcher", "streamlit_app"} <= set(MODULES)
    assert {"geo.io.export_files"} <= GRAPH["ui.table"] and "geo.io.export" in GRAPH["geo.io.export_files"]


@pytest.mark.parametrize(("package", "forbidden"), [
    ("geo", ("streamlit", "folium", "ui", "layers")),
    ("layers", ("streamlit", "ui")),
    ("geo", ("tests", "devtools", "bench")),
    ("layers", ("tests", "devtools", "bench")),
    ("ui", ("tests", "devtools", "bench")),
    ("serve", ("tests", "devtools", "bench", "playwright")),
    ("streamlit_app", ("tests", "devtools", "bench")),
    ("scripts", ("tests",)),
    ("devtools", ("tests", "bench")),
])
def test_what_a_package_may_not_import(package, forbidden):
    bad = sorted((name, m) for name, path in MODULES.items() if name == package or name.startswith(f"{package}.")
                 for m in imports(path) if m.split(".")[0] in forbidden)
    assert bad == []


def test_no_import_cycles():
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert cycles == []
