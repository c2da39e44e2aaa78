"""The call-site edits: `send(url, ...)` becomes `visma_background.call(send, url, ...)`.

Position-exact text edits against the original file: the function expression, the arguments,
comments and line breaks stay as written. An awaited httpx call becomes `call_async`. The import
is inserted once after the module's last top-level import (every finding of the file carries the
same insertion, so they form one all-or-nothing group).
"""

from __future__ import annotations

import ast
from typing import cast

from migrator.background import HELPER_MODULE
from migrator.findings import Edit
from migrator.python.urlflow import LineIndex


def wrap_edits(text: str, index: LineIndex, call: ast.Call, asynchronous: bool) -> list[Edit] | None:
    """Edits that route `call` through the helper, or None if the call's text is not the simple shape."""
    start, _ = index.node_span(call)
    _, func_end = index.node_span(call.func)
    paren = func_end
    while paren < len(text) and text[paren] in " \t":
        paren += 1
    if paren >= len(text) or text[paren] != "(":
        return None
    helper = f"{HELPER_MODULE}.{'call_async' if asynchronous else 'call'}("
    separator = "," if text[paren + 1 : paren + 2] in ("\n", "\r") else ", "
    return [Edit(start, start, helper), Edit(func_end, paren + 1, separator)]


def is_wrapped(call: ast.Call) -> bool:
    """A call that already goes through the helper (so a second run leaves it alone)."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("call", "call_async")
        and isinstance(func.value, ast.Name)
        and func.value.id == HELPER_MODULE
    )


def has_helper_import(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any((a.asname or a.name) == HELPER_MODULE for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == HELPER_MODULE for a in node.names):
            return True
    return False


def import_edit(text: str, index: LineIndex, tree: ast.Module, import_line: str) -> Edit:
    """Insert `import_line` after the last top-level import (or the docstring, or at the top)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    anchor: ast.stmt | None = None
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            anchor = stmt
    if anchor is None and tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(
        getattr(tree.body[0], "value", None), ast.Constant
    ) and isinstance(cast(ast.Constant, tree.body[0].value).value, str):  # checked above
        anchor = tree.body[0]
    if anchor is None:
        return Edit(0, 0, import_line + newline)
    end_line = anchor.end_lineno or anchor.lineno
    if end_line < len(index.starts):
        position = index.starts[end_line]
        return Edit(position, position, import_line + newline)
    return Edit(len(text), len(text), newline + import_line + newline)
