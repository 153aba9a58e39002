"""The modules of `rag` import each other without a cycle, counting every import statement wherever it stands.

Edges, read with `ast` (nothing is imported): every `import` and `from … import` anywhere in a module (top level,
inside functions, under `if TYPE_CHECKING`), absolute or relative. `from .pkg import name` is an edge to the submodule
`pkg.name` when that is a module, else to `pkg`. Importing `a.b.c` runs the `__init__` of `a` and `a.b` first, so
an import is also an edge to each package above its target, and a package's `__init__` has the edges of its own
imports (its re-exports). One exception keeps the test meaningful: a module never gets an edge to a package it
lives in (Python has started that package before the module runs, so `rag.index.store` importing a sibling does
not re-enter `rag/index/__init__.py`); without it every package that re-exports would be a cycle with its own
modules. Imports by string (importlib) are not seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

RAG = Path(__file__).resolve().parents[1] / "rag"


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (`rag.index` for rag/index/__init__.py)."""
    modules = {}
    for path in sorted(RAG.rglob("*.py")):
        parts = list(path.relative_to(RAG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The `rag` modules that importing `name` may run (see the module docstring for what counts)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets.add(source)
            targets.update(f"{source}.{alias.name}" for alias in node.names
                           if f"{source}.{alias.name}" in modules)
    own = set(_ancestors(name)) | {name}
    edges = set()
    for target in targets:
        if not (target == "rag" or target.startswith("rag.")):
            continue
        while target not in modules:  # `import rag.index.store.x` or `from rag.models import Hit`: nearest module
            target = target.rpartition(".")[0]
        edges.update(t for t in (*_ancestors(target), target) if t not in own)
    return edges


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that returns to its start, or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in sorted(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(step) == 1:
                return path[path.index(step):] + [step]
            elif not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append(iter(sorted(graph.get(step, ()))))
    return None


def test_the_graph_sees_every_kind_of_import():
    """The walker itself: function-level, relative, `from . import x` and package edges are all found."""
    graph = import_graph()
    assert len(graph) > 50
    assert "rag.index.store" in graph["rag.index.backends.local"]  # `from .. import store` inside a method
    assert "rag.index.dense" in graph["rag.index.backends.local"]  # `from .. import dense, published, sparse`
    assert "rag.models" in graph["rag.retrieval.search"]  # `from ..models import Hit`: the module, not `Hit`
    assert {"rag.dates", "rag.dates.days"} <= graph["rag.retrieval.search"]  # the package's __init__ runs first
    assert {"rag.index.backends", "rag.index.backends.local"} <= graph["rag.index.handle"]  # a subpackage's too
    # the layering the cycle fixes rely on: the search path imports nothing of the index package
    assert not any(t.startswith("rag.index") for t in graph["rag.retrieval.search"] | graph["rag.retrieval"])
    assert "rag.index" not in graph["rag.index.store"]  # a module does not re-enter its own package
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_rag():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
