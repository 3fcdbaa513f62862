"""The import graph of the two packages, read from their source with ast (imports inside functions included): no
cycle, imports go one way through the layers of symbolic_vae (top -> _report -> _kernels -> _papers -> _engine ->
_model -> _core), numeric_backend imports nothing of symbolic_vae, and no module finds another by a name held in a
string (importlib.import_module / __import__)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("symbolic_vae", "numeric_backend")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that the file imports (``from . import x`` counts as importing ``pkg.x``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    files = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    modules = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, modules) for p in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The package ``__init__`` modules re-export their private modules; an edge into a package's own __init__
    from inside it would be a cycle, so those are kept, and the re-exports (edges out of an __init__) dropped."""
    return {m: (set() if m in PACKAGES else deps) for m, deps in graph.items()}


LAYERS = ("_core", "_model", "_engine", "_papers", "_kernels", "_report")
"""The layers of symbolic_vae, bottom first: a module may import its own layer and the layers below it. Modules at
the top (the package itself, _cli, testing) may import every layer."""


def layer(module: str) -> int:
    """The rank of ``module`` among LAYERS (len(LAYERS) for the top of symbolic_vae)."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every edge of symbolic_vae's graph from a layer into a higher one, as "importer -> imported"."""
    return sorted(f"{m} -> {d}" for m, deps in graph.items() if m.split(".")[0] == "symbolic_vae"
                  for d in deps if d.split(".")[0] == "symbolic_vae" and layer(d) > layer(m))


def test_imports_go_down_the_layers():
    assert upward_imports(import_graph()) == []


def test_every_module_of_symbolic_vae_is_in_a_layer_or_at_the_top():
    top = {"symbolic_vae", "symbolic_vae._cli", "symbolic_vae.__main__", "symbolic_vae.testing"}
    graph = import_graph()
    assert sorted(m for m in graph if m.startswith("symbolic_vae") and layer(m) == len(LAYERS) and m not in top) == []


def test_there_is_no_import_cycle():
    assert cycles(without_package_inits(import_graph())) == []


def test_numeric_backend_imports_nothing_of_symbolic_vae():
    graph = import_graph()
    offenders = {m: sorted(d for d in deps if d.split(".")[0] == "symbolic_vae")
                 for m, deps in graph.items() if m.split(".")[0] == "numeric_backend"}
    assert {m: d for m, d in offenders.items() if d} == {}


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_found_by_a_name_in_a_string(package):
    calls = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in ("import_module", "__import__"):
                    calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []


def test_the_checks_of_this_module_can_fail():
    """A cycle, an upward import and a module inside a package are all seen."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert upward_imports({"symbolic_vae._core.claim": {"symbolic_vae._engine.runner"},
                           "symbolic_vae._engine.runner": {"symbolic_vae._core.claim"}}) == [
        "symbolic_vae._core.claim -> symbolic_vae._engine.runner"]
    graph = import_graph()
    assert "symbolic_vae._core.errors" in graph["symbolic_vae._core.validation"]  # relative imports resolve
    assert "numeric_backend" in graph["symbolic_vae._core.errors"]
