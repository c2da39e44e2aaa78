"""Which statements bind a name, from `ast`: so that scan can say what a structural fix will do
without parsing with LibCST (the LibCST stage checks again with its ScopeProvider when it fixes)."""

from __future__ import annotations

import ast
from collections.abc import Callable

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of `scope`'s body, without those of functions and classes defined inside it."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        out.append(node)
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return out


def binds(node: ast.AST, name: str) -> bool:
    """Whether `node` binds `name`: a parameter, an assignment or other target, a def, a class,
    an import, an `except ... as`."""
    if isinstance(node, ast.arg):
        return node.arg == name
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, ast.Store)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == name for a in node.names)
    return False


def binding_lines(nodes: list[ast.AST], name: str) -> list[int]:
    """The lines where one scope's own nodes bind `name` (see `binds`); empty when the scope
    declares it global."""
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) and name in n.names for n in nodes):
        return []
    return sorted(getattr(n, "lineno", 0) for n in nodes if binds(n, name))


def first_binding_anywhere(tree: ast.Module, name: str, ignore: Callable[[ast.AST], bool]) -> int | None:
    """The first line where any scope of the module binds `name` other than by a node `ignore`
    accepts (None: nowhere). A decorated def or class counts from its first decorator, as LibCST
    places it."""
    lines = [_line(n) for n in ast.walk(tree) if binds(n, name) and not ignore(n)]
    return min(lines) if lines else None


def _line(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        return min(d.lineno for d in decorators)
    return getattr(node, "lineno", 0)


__all__ = ["binding_lines", "binds", "first_binding_anywhere", "own_nodes"]
