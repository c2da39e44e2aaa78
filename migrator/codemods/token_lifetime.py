"""VNI035: a Visma Connect token fetched once and kept forever (warning, report only).

VNI tokens never expired; Visma Connect access tokens do (60 minutes unless configured,
domain.md section 6). Reported: a request to `connect.visma.com/connect/token` made at import
time (directly, or through a function of the file called at module level), inside a function
cached with `functools.cache` / `lru_cache` / `cached_property`, or stored in a global or an
attribute that a guard (`if _token is None:`) then keeps for good. A file that looks at
`expires_in` / `expires_at`, handles a 401, refreshes, or clears the cache is left alone.
"""

from __future__ import annotations

import ast
import re

from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.resolve import FunctionNode, Resolver, dotted_name
from migrator.python.string_values import call_url, is_request_call, static_text
from migrator.rulefile import Rule

KIND = "token-lifetime"
LANGUAGE = "python"
_TOKEN_URL_RE = re.compile(r"connect\.visma\.com/connect/token", re.IGNORECASE)
_REFRESH_RE = re.compile(
    r"expires_in|expires_at|expiry|expiration|\bexp\b|refresh|cache_clear|401|unauthori[sz]ed|tokenexpired",
    re.IGNORECASE,
)
_CACHES = ("functools.cache", "functools.lru_cache", "functools.cached_property", "cache", "lru_cache", "cached_property")


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def _token_calls(resolver: Resolver) -> list[ast.Call]:
    calls = []
    for node in resolver.nodes:
        if isinstance(node, ast.Call) and (is_request_call(node) or dotted_name(node.func).endswith("fetch_token")):
            url = static_text(resolver, call_url(node))
            if url and _TOKEN_URL_RE.search(url):
                calls.append(node)
    return calls


def _handles_expiry(ctx: PythonContext) -> bool:
    return bool(_REFRESH_RE.search(ctx.text))


def _under_main_guard(resolver: Resolver, node: ast.AST) -> bool:
    cur = resolver.parents.get(node)
    while cur is not None:
        if isinstance(cur, ast.If) and "__main__" in ast.dump(cur.test):
            return True
        cur = resolver.parents.get(cur)
    return False


def _outermost_function(resolver: Resolver, node: ast.AST) -> FunctionNode | None:
    function, _ = resolver.enclosing(node)
    return function


def _cached(resolver: Resolver, function: FunctionNode) -> str | None:
    for decorator in function.decorator_list:
        name = resolver.qualify(dotted_name(decorator))
        if name in _CACHES:
            return f"@{dotted_name(decorator)} keeps the first token for the life of the process"
    return None


def _kept_in_state(function: FunctionNode) -> str | None:
    """A global or attribute assigned in `function` and tested by a guard in it."""
    globals_ = {name for node in ast.walk(function) if isinstance(node, ast.Global) for name in node.names}
    assigned: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in globals_:
                    assigned.add(target.id)
                elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    assigned.add(dotted_name(target))
    for node in ast.walk(function):
        if isinstance(node, ast.If):
            tested = {dotted_name(n) for n in ast.walk(node.test) if isinstance(n, (ast.Name, ast.Attribute))}
            kept = tested & assigned
            if kept:
                return f"{min(kept)} is set once and never renewed"
    return None


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "connect" not in ctx.lowered:  # cheap gate: a Visma Connect token request names connect.visma.com
        return []
    resolver = ctx.urls.resolver
    calls = _token_calls(resolver)
    if not calls or _handles_expiry(ctx):
        return []
    out: list[Finding] = []
    module_calls = [n for stmt in resolver.tree.body for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    for call in calls:
        function = _outermost_function(resolver, call)
        if function is None:
            if not _under_main_guard(resolver, call):
                out.append(ctx.finding(rule, call, render_message(rule, how="the token is fetched once, at import time")))
            continue
        how = _cached(resolver, function) or _kept_in_state(function)
        if how:
            out.append(ctx.finding(rule, call, render_message(rule, how=how)))
            continue
        if resolver.enclosing(function)[0] is None:  # a module-level function called at import time
            for other in module_calls:
                calls_it = isinstance(other.func, ast.Name) and other.func.id == function.name
                if calls_it and resolver.enclosing(other)[0] is None and not _under_main_guard(resolver, other):
                    how = f"{function.name}() runs once, at import time, and its token is kept"
                    out.append(ctx.finding(rule, other, render_message(rule, how=how)))
    return out
