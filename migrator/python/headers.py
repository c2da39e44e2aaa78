"""Where a Python file sets HTTP request headers, as (name literal, value) entries.

A dict literal holds headers when it is passed as `headers=`, given to `<...>headers.update(...)`,
assigned to a name or attribute whose name says "header", or returned by a function whose name
does. `<...headers>["name"] = value` sets one. A dict unpacked into keyword arguments
(`**{...}`) or passed as `params=`/`json=` is no header literal, and keyword arguments such as a
generated client's `erp_api_background=` are parameter names, never headers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from migrator.python.resolve import Resolver, dotted_name
from migrator.python.string_values import is_str


@dataclass(frozen=True)
class HeaderEntry:
    key: ast.Constant  # the header-name literal
    value: ast.expr
    container: ast.Dict | None  # the dict literal, or None for `headers["x"] = value`
    statement: ast.stmt | None = None  # the assignment, for subscript stores

    @property
    def name(self) -> str:
        return str(self.key.value)


def _names_headers(node: ast.AST) -> bool:
    return "header" in dotted_name(node).lower() if isinstance(node, ast.expr) else False


def header_dicts(resolver: Resolver) -> list[ast.Dict]:
    """Dict literals used as request headers."""
    found: list[ast.Dict] = []
    parents = resolver.parents
    for node in resolver.nodes:
        if not isinstance(node, ast.Dict):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.keyword):
            if parent.arg == "headers":
                found.append(node)
        elif isinstance(parent, ast.Call) and node in parent.args:
            func = parent.func
            if isinstance(func, ast.Attribute) and func.attr == "update" and (dotted_name(func.value).lower().endswith("headers") or _names_headers(func.value)):
                found.append(node)
        elif isinstance(parent, ast.Assign) and parent.value is node:
            if any(_names_headers(target) for target in parent.targets):
                found.append(node)
        elif isinstance(parent, ast.AnnAssign) and parent.value is node:
            if _names_headers(parent.target):
                found.append(node)
        elif isinstance(parent, ast.Return):
            function, _ = resolver.enclosing(node)
            if function is not None and "header" in function.name.lower():
                found.append(node)
    return found


def header_entries(resolver: Resolver) -> list[HeaderEntry]:
    """Every header name literal with its value, in source order."""
    entries: list[HeaderEntry] = []
    for container in header_dicts(resolver):
        for key, value in zip(container.keys, container.values):
            if is_str(key):
                entries.append(HeaderEntry(key, value, container))  # type: ignore[arg-type]
    for node in resolver.nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and is_str(target.slice) and _names_headers(target.value):
                entries.append(HeaderEntry(target.slice, node.value, None, node))  # type: ignore[arg-type]
    entries.sort(key=lambda e: (e.key.lineno, e.key.col_offset))
    return entries


def normalized(name: str) -> str:
    """A header name as the wire sees it once the spelling is fixed (case-insensitive, `_` as `-`)."""
    return name.strip().lower().replace("_", "-")
