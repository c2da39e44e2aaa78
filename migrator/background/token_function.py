"""The project's function that fetches a new Visma Connect access token, to pass as `refresh_auth=`.

A background job that outlives the access token (60 minutes) gets a 401 while polling; the helper
then calls `refresh_auth()` for a new token. VNI020 passes the project's own function when exactly
one fits the common idiom: a module-level `def`, in the call's module or imported into it with
`from module import name` (the module found beside the file or in its package), that takes no
required arguments, sends a request to a `.../connect/token` URL of Visma Connect (written out, or
through names the file resolves; a host it cannot tell counts, another host does not) and returns
the answer's `access_token`. Decorated functions (a cache would hand back the expired token),
functions keeping the token in a global and `async def`s (the helper calls it synchronously) do
not fit. Whether the name still means that function where the call is, `binding_problem` tells
from `ast` (so that scan says what fix will do) and the LibCST stage checks again.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from migrator.background.placement import top_package
from migrator.python.bindings import binding_lines, own_nodes
from migrator.python.resolve import Resolver, dotted_name
from migrator.python.string_values import OPAQUE, call_url, is_request_call, static_text
from migrator.structural.requests import BoundKeyword

_TOKEN_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://(?P<host>[^/?#]*))?[^?#]*/connect/token/?(?:[?#].*)?$", re.IGNORECASE)
_VISMA_CONNECT = "connect.visma.com"


@dataclass(frozen=True)
class TokenFunction:
    name: str  # the name the call's module binds it to
    line: int  # the binding statement in the call's module: the `def`, or the `from ... import`
    where: str  # for the message, e.g. "new_token (line 12)" or "new_token (auth.py, line 4)"


def is_token_url(url: str) -> bool:
    """A Visma Connect token endpoint: the path ends in /connect/token, on connect.visma.com or on
    a host the code does not tell."""
    match = _TOKEN_URL.match(url.strip())
    if match is None:
        return False
    host = (match["host"] or "").lower()
    return not host or OPAQUE in host or host.split(":")[0] == _VISMA_CONNECT


def _mentions_access_token(node: ast.AST | None, names: set[str]) -> bool:
    if node is None:
        return False
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and inner.value == "access_token":
            return True
        if isinstance(inner, ast.Name) and inner.id in names:
            return True
    return False


def _returns_access_token(nodes: list[ast.AST]) -> bool:
    """Every `return` gives the answer's access_token (directly, or through a local name)."""
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _mentions_access_token(node.value, set()):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    returns = [n for n in nodes if isinstance(n, ast.Return)]
    return bool(returns) and all(_mentions_access_token(r.value, names) for r in returns)


def _fetches_a_token(nodes: list[ast.AST], resolver: Resolver) -> bool:
    for node in nodes:
        if isinstance(node, ast.Call) and (is_request_call(node) or dotted_name(node.func).endswith("fetch_token")):
            url = static_text(resolver, call_url(node))
            if url is not None and is_token_url(url):
                return True
    return False


def _takes_no_required_arguments(function: ast.FunctionDef) -> bool:
    args = function.args
    positional = len(args.posonlyargs) + len(args.args)
    return positional <= len(args.defaults) and all(d is not None for d in args.kw_defaults)


def fits(function: ast.stmt, resolver: Resolver) -> bool:
    """Whether a module-level statement is a function `refresh_auth=` can call for a new token."""
    if not isinstance(function, ast.FunctionDef) or function.decorator_list:
        return False
    if not _takes_no_required_arguments(function):
        return False
    nodes = own_nodes(function)
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in nodes):
        return False
    return _fetches_a_token(nodes, resolver) and _returns_access_token(nodes)


def _module_file(display: str, module: str | None, level: int) -> Path | None:
    """The file `from <level dots><module> import ...` in the file `display` loads, if it is on disk."""
    source = Path(display)
    if not source.is_file():
        return None
    folder = source.resolve().parent
    if level:
        for _ in range(level - 1):
            folder = folder.parent
        bases = [folder]
    else:  # the script's own folder, and the folder holding its top-level package
        top = top_package(folder)
        bases = [folder] + ([top.parent] if top is not None else [])
    parts = module.split(".") if module else []
    for base in bases:
        target = base.joinpath(*parts)
        for candidate in ([target.with_name(target.name + ".py")] if parts else []) + [target / "__init__.py"]:
            if candidate.is_file():
                return candidate
    return None


def _imported(display: str, statement: ast.ImportFrom, loaded: dict[Path, tuple[ast.Module, Resolver] | None]) -> list[TokenFunction]:
    path = _module_file(display, statement.module, statement.level)
    if path is None:
        return []
    if path not in loaded:
        loaded[path] = None
        try:
            text = path.read_text(encoding="utf-8")
            if "token" in text.lower():  # cheap gate before parsing another file
                tree = ast.parse(text)
                loaded[path] = (tree, Resolver(tree))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            pass
    parsed = loaded[path]
    if parsed is None:
        return []
    tree, resolver = parsed
    found: list[TokenFunction] = []
    for alias in statement.names:
        for stmt in tree.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name == alias.name and fits(stmt, resolver):
                found.append(TokenFunction(alias.asname or alias.name, statement.lineno,
                                           f"{alias.asname or alias.name} ({path.name}, line {stmt.lineno})"))
    return found


def token_functions(display: str, tree: ast.Module, resolver: Resolver) -> list[TokenFunction]:
    """The functions of the module `display` (its own, and the ones it imports by name) that fetch a
    new Visma Connect access token, in the order the module binds them."""
    found: list[TokenFunction] = []
    loaded: dict[Path, tuple[ast.Module, Resolver] | None] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and fits(stmt, resolver):
            found.append(TokenFunction(stmt.name, stmt.lineno, f"{stmt.name} (line {stmt.lineno})"))
        elif isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__":
            found.extend(_imported(display, stmt, loaded))
    return found


def binding_problem(tree: ast.Module, resolver: Resolver, call: ast.Call, keyword: BoundKeyword) -> str | None:
    """Why `keyword.name`, seen from `call`, may not be the function bound on `keyword.line` (None:
    it is, as far as `ast` tells), so that scan says what fix will do; the LibCST stage checks again
    with its ScopeProvider before it adds the argument."""
    function = resolver.enclosing(call)[0]
    while function is not None:
        local = binding_lines(own_nodes(function), keyword.name)
        if local:
            return keyword.bound_elsewhere(local[0])
        function = resolver.enclosing(function)[0]
    others = [line for line in binding_lines(own_nodes(tree), keyword.name) if line != keyword.line]
    if others:
        return keyword.bound_elsewhere(others[0])
    if resolver.enclosing(call)[0] is None and keyword.line > call.lineno:
        return keyword.bound_after()
    return None


__all__ = ["TokenFunction", "binding_problem", "fits", "is_token_url", "token_functions"]
