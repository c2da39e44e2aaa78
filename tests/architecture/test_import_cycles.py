"""The import graph of `migrator/` has no cycle, counting imports inside functions too (a late import
hides a cycle from Python, not from the reader who has to untangle it).

Edges: `import a.b` and `from a import b` (b a module) point at that module; `from a import name`
points at `a`, so a package `__init__` that imports a submodule which imports a name back from the
package is a cycle. The implicit import of a parent package is not an edge (every submodule would
then form a cycle with an `__init__` that lists its submodules). Imports under `if TYPE_CHECKING:`
never run and are not edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "migrator"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement anywhere in the tree (module level, functions, classes), except
    under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = list(node.orelse)
        stack.extend(children)
    return found


def _targets(name: str, path: Path, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    out: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            target = known(alias.name)
            if target:
                out.add(target)
        return out
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    for alias in node.names:
        if f"{base}.{alias.name}" in modules:
            out.add(f"{base}.{alias.name}")
        else:
            target = known(base)
            if target:
                out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    """module -> the migrator modules it imports (anywhere in its code)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = set()
        for node in _imports(tree):
            graph[name] |= _targets(name, path, node, modules)
        graph[name].discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return found


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_function_level_imports_are_edges() -> None:
    tree = ast.parse("def f():\n    from migrator.engine import process_file\n")
    modules = {"migrator.engine": Path("engine.py"), "migrator.x": Path("x.py")}
    assert _targets("migrator.x", Path("x.py"), _imports(tree)[0], modules) == {"migrator.engine"}


def test_a_name_imported_back_from_a_package_is_an_edge_to_the_package() -> None:
    modules = {"migrator.p": Path("p/__init__.py"), "migrator.p.kind": Path("p/kind.py")}
    back = _imports(ast.parse("from migrator.p import REGISTRY\n"))[0]
    sibling = _imports(ast.parse("from migrator.p import kind\n"))[0]
    assert _targets("migrator.p.kind", Path("p/kind.py"), back, modules) == {"migrator.p"}
    assert _targets("migrator.p.other", Path("p/other.py"), sibling, modules) == {"migrator.p.kind"}


def test_migrator_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 100  # every module was read
    found = cycles(graph)
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(component) for component in found)
