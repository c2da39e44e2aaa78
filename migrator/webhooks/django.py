"""Django listeners: `urls.py` `path()` / `re_path()` (named groups), `include()` prefixes, the view.

The plan: the URL pattern loses the moved segments, the view loses those keyword arguments and
reads them from `request.headers` (an `<int:...>` converter keeps its `int`), and
`request.GET[...]` / `request.GET.get(...)` reads of moved query arguments read headers instead.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import cast

from migrator.python.resolve import dotted_name
from migrator.webhooks.routes import (
    FunctionNode,
    ListenerPlan,
    Module,
    Route,
    add_import,
    body_insert,
    converted,
    drop_parameters,
    drop_segments,
    parse_segments,
    rewrite_reads,
)
from migrator.webhooks.sender import Rendering

_PATH = ("django.urls.path", "django.urls.re_path", "django.conf.urls.url")


def _calls(module: Module) -> list[tuple[ast.Call, bool]]:
    """`path(...)` / `re_path(...)` calls with a string route: (call, is regex)."""
    out: list[tuple[ast.Call, bool]] = []
    for node in module.resolver.nodes:
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            qualified = module.resolver.qualify(dotted_name(node.func))
            if qualified in _PATH:
                out.append((node, not qualified.endswith(".path")))
    return out


def _find_module(modules: list[Module], near: Module, dotted: str) -> Module | None:
    """The module a (possibly relative) dotted name points at, preferring `near`'s folder."""
    wanted = dotted.lstrip(".")
    candidates = [m for m in modules if m.dotted == wanted or m.dotted.endswith("." + wanted)]
    same_folder = [m for m in candidates if m.path.parent == near.path.parent]
    found = same_folder or candidates
    return found[0] if found else None


def _view(modules: list[Module], module: Module, view: ast.expr) -> tuple[Module | None, FunctionNode | None]:
    name = dotted_name(view)
    if not name:
        return None, None
    qualified = module.resolver.qualify(name)
    if qualified == name and "." not in name:  # defined in urls.py itself
        target: Module | None = module
        function = name
    else:
        module_name, _, function = qualified.rpartition(".")
        target = _find_module(modules, module, module_name)
    if target is None:
        return None, None
    for stmt in target.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == function:
            return target, stmt
    return target, None


def _prefixes(modules: list[Module], calls: dict[str, list[tuple[ast.Call, bool]]]) -> dict[str, str]:
    """URL prefix of each urls module reached through `include("app.urls")` (two levels deep)."""
    prefixes: dict[str, str] = {}
    for _ in range(3):
        for module in modules:
            for call, _regex in calls.get(module.display, []):
                if len(call.args) < 2 or not isinstance(call.args[1], ast.Call) or dotted_name(call.args[1].func).rsplit(".", 1)[-1] != "include":
                    continue
                include = call.args[1].args[0] if call.args[1].args else None
                target_name = include.value if isinstance(include, ast.Constant) and isinstance(include.value, str) else None
                if target_name is None and include is not None:
                    target_name = module.resolver.qualify(dotted_name(include))
                target = _find_module(modules, module, target_name) if target_name else None
                if target is not None:
                    prefixes[target.display] = prefixes.get(module.display, "") + str(cast(ast.Constant, call.args[0]).value).strip("^$")  # collected calls start with a literal
    return prefixes


def routes(modules: list[Module], load: Callable[[str], Module | None] | None = None) -> list[Route]:
    """Routes of every urls module; `load(dotted)` reads a module a view lives in when it is not among
    `modules` (views.py need not mention routes, so the runner's prefilter does not tag it)."""
    calls = {m.display: _calls(m) for m in modules if "django" in m.text}
    calls = {k: v for k, v in calls.items() if v}
    if not calls:
        return []
    if load is not None:
        for module in [m for m in modules if m.display in calls]:
            for node in module.resolver.nodes:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                        f"{node.module or ''}.{a.name}".lstrip(".") for a in node.names]
                    for name in names:
                        if _find_module(modules, module, name) is None:
                            loaded = load(name)
                            if loaded is not None:
                                modules.append(loaded)
    prefixes = _prefixes(modules, calls)
    out: list[Route] = []
    for module in modules:
        for call, regex in calls.get(module.display, []):
            if len(call.args) < 2 or isinstance(call.args[1], ast.Call):
                continue
            literal = call.args[0]
            assert isinstance(literal, ast.Constant)
            view_module, view = _view(modules, module, call.args[1])
            prefix = prefixes.get(module.display, "")
            segments = parse_segments(prefix, "flask", in_literal=False) + parse_segments(cast(str, literal.value), "regex" if regex else "flask")
            route = Route("django", module, literal, segments, view, view_module, "django", prefix, regex)
            if view is None:
                route.problems.append(f"the view {dotted_name(call.args[1])} was not found")
            out.append(route)
    return out


def plan(route: Route, rendering: Rendering) -> ListenerPlan:
    result = ListenerPlan()
    path_params = {p.key: p for p in rendering.pairs if p.origin == "path"}
    segments = {s.param: s for s in route.segments if s.param}
    if any(not segments[name].in_literal for name in path_params):
        result.problems.append(f"a moved parameter is part of the include() prefix {route.prefix!r}")
        return result
    edit, new_route, problem = drop_segments(route.module, route.literal, set(path_params), "")
    if problem:
        result.problems.append(problem)
        return result
    if edit is not None:
        result.add(route.module, edit, route.literal)
    result.listener_path = "/" + route.prefix + new_route.strip("^$")
    result.problems.extend(route.problems)
    function, view_module = route.handler, route.handler_module
    if function is None or view_module is None:
        return result
    if not function.args.args:
        result.problems.append(f"the view {function.name} takes no request")
        return result
    request = function.args.args[0].arg
    if path_params:
        removal, problem = drop_parameters(view_module, function, set(path_params))
        if removal is None:
            result.problems.append(problem or "the view's parameters cannot be removed")
            return result
        result.ask(view_module, removal, function)
        lines = []
        for name, pair in path_params.items():
            read, note = converted(f'{request}.headers["{pair.name}"]', None if route.regex else segments[name].converter)
            if note:
                result.notes.append(note)
            lines.append(f"{name} = {read}")
        insert, problem = body_insert(view_module, function, lines)
        if problem or insert is None:
            result.problems.append(problem or "cannot insert the header reads")
            return result
        result.add(view_module, insert, function)
    query = {p.key: (p.name, None) for p in rendering.pairs if p.origin == "query"}

    def is_request(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == request

    rewrite_reads(view_module, function, is_request, {"GET": "headers"}, query, result)
    result.anchors.setdefault(view_module.display, function)
    return result


__all__ = ["add_import", "plan", "routes"]
