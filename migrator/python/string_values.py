"""What a string expression is known to hold, for the rules that only need to *read* values.

The URL-flow analysis (`urlflow.py`) maps rewrites back to source characters; the report-only
rules (retired endpoints, auth flows, header values) need less: the text an expression evaluates
to, with unknown parts marked. Names, attributes and config lookups are followed through the
file's `Resolver`; anything else becomes `OPAQUE`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from typing import Any

from migrator.python.resolve import Resolver, dotted_name

OPAQUE = "\ue000"  # stands for a part whose value the file does not tell
VISMA_HOST_RE = re.compile(r"(?:integration|api\.finance)\.visma\.net", re.IGNORECASE)
REQUEST_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send")


def is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def static_text(resolver: Resolver, node: ast.expr | None, depth: int = 0) -> str | None:
    """The text `node` evaluates to (unknown parts as OPAQUE), or None if it is no string expression."""
    if node is None or depth > 8:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.append(value.value)
            elif isinstance(value, ast.FormattedValue):
                inner = static_text(resolver, value.value, depth + 1) if value.format_spec is None and value.conversion == -1 else None
                out.append(inner if inner is not None else OPAQUE)
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = static_text(resolver, node.left, depth + 1)
        right = static_text(resolver, node.right, depth + 1)
        if left is None and right is None:
            return None
        return (left if left is not None else OPAQUE) + (right if right is not None else OPAQUE)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and is_str(node.left):
        args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        values = iter(args)
        template: str = node.left.value  # type: ignore[attr-defined]

        def percent(match: re.Match[str]) -> str:
            if match.group() == "%%":
                return "%"
            arg = next(values, None)
            text = static_text(resolver, arg, depth + 1) if match.group() == "%s" else None
            return text if text is not None else OPAQUE

        return re.sub(r"%%|%[-#0 +]*\d*(?:\.\d+)?[sdrifx]", percent, template)
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        resolved = resolver.resolve(node)
        if resolved is not None and resolved.expr is not node:
            return static_text(resolver, resolved.expr, depth + 1)
    return None


def is_string_root(node: ast.AST) -> bool:
    if is_str(node) or isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod))


def string_roots(tree: ast.AST) -> Iterator[ast.expr]:
    """Maximal string-building expressions: a concatenation is one root, not its pieces."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.expr) and is_string_root(node) and (
            not isinstance(node, ast.BinOp) or _has_string_leaf(node)
        ):
            yield node
            stack.extend(_non_string_children(node))
            continue
        stack.extend(ast.iter_child_nodes(node))


def _has_string_leaf(node: ast.expr) -> bool:
    if is_str(node) or isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _has_string_leaf(node.left) or (isinstance(node.op, ast.Add) and _has_string_leaf(node.right))
    return False


def _non_string_children(node: ast.expr) -> list[ast.AST]:
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp):
        out: list[ast.AST] = []
        for side in (node.left, node.right):
            out.extend(_non_string_children(side) if is_string_root(side) else [side])
        return out
    return []


def call_url(call: ast.Call) -> ast.expr | None:
    """The URL argument of a request call (`get(url)`, `request(method, url)`, `url=`)."""
    for keyword in call.keywords:
        if keyword.arg == "url":
            return keyword.value
    name = call.func.attr if isinstance(call.func, ast.Attribute) else dotted_name(call.func).rsplit(".", 1)[-1]
    position = 1 if name in ("request", "stream") else 0
    return call.args[position] if len(call.args) > position else None


def is_request_call(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else dotted_name(call.func).rsplit(".", 1)[-1]
    return name in REQUEST_METHODS or name in ("urlopen", "Request")


def request_calls(resolver: Resolver) -> Iterator[tuple[ast.Call, str]]:
    """Every request-like call with a string-valued URL argument, and that URL's known text."""
    for node in resolver.nodes:
        if isinstance(node, ast.Call) and is_request_call(node):
            url = static_text(resolver, call_url(node))
            if url is not None:
                yield node, url


def client_base(resolver: Resolver, call: ast.Call, with_bindings: dict[str, ast.expr]) -> str | None:
    """The `base_url` of the client a method call is made on (httpx.Client(base_url=...)), if known."""
    if not isinstance(call.func, ast.Attribute):
        return None
    target = call.func.value
    made: ast.expr | None = target if isinstance(target, ast.Call) else None
    if made is None and isinstance(target, ast.Name) and target.id in with_bindings:
        made = with_bindings[target.id]
    if made is None:
        resolved = resolver.resolve(target)
        made = resolved.expr if resolved else None
    if not isinstance(made, ast.Call):
        return None
    for keyword in made.keywords:
        if keyword.arg in ("base_url", "base"):
            return static_text(resolver, keyword.value)
    return None


def with_bindings(resolver: Resolver) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for node in resolver.nodes:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    out[item.optional_vars.id] = item.context_expr
    return out


def cached(ctx: Any, key: str, compute: Callable[[], Any]) -> Any:
    """Compute something once per file and share it between the rules of one kind family."""
    store: dict[str, Any] = ctx.__dict__.setdefault("_shared_values", {})
    if key not in store:
        store[key] = compute()
    return store[key]
