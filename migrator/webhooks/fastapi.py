"""FastAPI and Starlette listeners: `@app.post`, `APIRouter(prefix=...)`, `include_router`, `Route(...)`.

FastAPI: moved path parameters and query parameters become header parameters of the same type
(`tenant: int` -> `tenant: Annotated[int, Header()]`, `batch: int = Query(...)` -> `Header(...)`);
FastAPI's `Header` maps `batch_id` to the header `batch-id`, as the sender names it. Starlette (and
FastAPI handlers that take the `Request`): `request.path_params[...]` / `request.query_params[...]`
become `request.headers[...]`, converted as the `{name:int}` convertor did.
"""

from __future__ import annotations

import ast
from typing import cast

from migrator.findings import Edit
from migrator.python.resolve import dotted_name
from migrator.webhooks.routes import (
    FunctionNode,
    ListenerPlan,
    Module,
    Route,
    add_import,
    joins_existing_import,
    parse_segments,
    rewrite_reads,
    start_plan,
)
from migrator.webhooks.sender import Rendering

_METHODS = ("get", "post", "put", "patch", "delete", "api_route")


def _objects(module: Module) -> dict[str, tuple[str, str]]:
    """Module-level FastAPI apps and routers: name -> (kind, prefix)."""
    found: dict[str, tuple[str, str]] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call):
            qualified = module.resolver.qualify(dotted_name(stmt.value.func))
            if qualified in ("fastapi.FastAPI", "fastapi.APIRouter", "fastapi.routing.APIRouter"):
                prefix = next((kw.value for kw in stmt.value.keywords if kw.arg == "prefix"), None)
                text = prefix.value if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) else ""
                found[stmt.targets[0].id] = (qualified.rsplit(".", 1)[-1], text)
    return found


def inclusions(modules: list[Module]) -> dict[str, str]:
    """`include_router(router, prefix=...)` anywhere: qualified router name -> prefix."""
    found: dict[str, str] = {}
    for module in modules:
        if "include_router" not in module.text:
            continue
        for node in module.resolver.nodes:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "include_router" and node.args:
                prefix = next((kw.value for kw in node.keywords if kw.arg == "prefix"), None)
                if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str):
                    name = dotted_name(node.args[0])
                    qualified = module.resolver.qualify(name)
                    if qualified == name:
                        qualified = f"{module.dotted}.{name}"
                    found[qualified.lstrip(".")] = prefix.value
    return found


def _functions(module: Module) -> dict[str, FunctionNode]:
    return {s.name: s for s in module.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}


def routes(module: Module, included: dict[str, str]) -> list[Route]:
    if "fastapi" not in module.text and "starlette" not in module.text:
        return []
    objects = _objects(module)
    out: list[Route] = []
    functions = _functions(module)
    for node in module.resolver.nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr in _METHODS):
                    continue
                owner = dotted_name(decorator.func.value)
                if owner not in objects or not decorator.args:
                    continue
                literal = decorator.args[0]
                if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str)):
                    continue
                prefix = objects[owner][1]
                for qualified, extra in included.items():
                    module_part, _, name = qualified.rpartition(".")
                    if name == owner and module.dotted.endswith(module_part.lstrip(".")):
                        prefix = extra.rstrip("/") + prefix
                segments = parse_segments(prefix, "brace", in_literal=False) + parse_segments(literal.value, "brace")
                out.append(Route("fastapi", module, literal, segments, node, module, "plain", prefix))
        elif isinstance(node, ast.Call) and module.resolver.qualify(dotted_name(node.func)) in ("starlette.routing.Route", "fastapi.routing.APIRoute"):
            if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                continue
            endpoint = node.args[1] if len(node.args) > 1 else next((kw.value for kw in node.keywords if kw.arg == "endpoint"), None)
            handler = functions.get(dotted_name(endpoint)) if endpoint is not None else None
            literal = node.args[0]
            out.append(Route("starlette", module, literal, parse_segments(cast(str, literal.value), "brace"), handler, module, "plain"))  # checked above
    return out


def _request_names(function: FunctionNode) -> set[str]:
    names = set()
    for arg in function.args.args + function.args.kwonlyargs:
        if arg.annotation is not None and dotted_name(arg.annotation).rsplit(".", 1)[-1] == "Request":
            names.add(arg.arg)
    if not names and function.args.args and function.args.args[0].arg in ("request", "req"):
        names.add(function.args.args[0].arg)
    return names


def plan(route: Route, rendering: Rendering) -> ListenerPlan:
    module = route.module
    function = route.handler
    if function is None:
        result = ListenerPlan()
        result.problems.append(f"the endpoint of the route at {module.display}:{route.literal.lineno} is not defined in that module")
        return result
    result, _, segments, new_path = start_plan(route, rendering, "router")
    if new_path is None:
        return result
    result.listener_path = (route.prefix.rstrip("/") + new_path) if route.prefix else new_path
    requests = _request_names(function)

    def is_request(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id in requests

    moved = {p.key: (p.name, segments[p.key].converter if p.origin == "path" else None) for p in rendering.pairs}
    rewrite_reads(module, function, is_request, {"query_params": "headers", "path_params": "headers"}, moved, result)
    if route.framework == "fastapi":
        _header_parameters(module, function, rendering, requests, result)
    result.anchors.setdefault(module.display, function)
    return result


def _header_parameters(module: Module, function: FunctionNode, rendering: Rendering, requests: set[str], result: ListenerPlan) -> None:
    """Path and query parameters of a FastAPI handler become `Header` parameters of the same type."""
    args = function.args
    positional = args.args
    defaults: dict[str, ast.expr | None] = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):], args.defaults))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        defaults[arg.arg] = default
    by_name = {a.arg: a for a in positional + args.kwonlyargs}
    wanted = [p for p in rendering.pairs if p.key in by_name and p.key not in requests]
    if not wanted:
        return
    header_import, header, refused = add_import(module, "fastapi", "Header")
    if refused:
        result.problems.append(refused)
        return
    if not header:
        result.problems.append("the listener module has no imports to add `from fastapi import Header` beside")
        return
    annotated_needed = False
    for pair in wanted:
        arg = by_name[pair.key]
        default = defaults.get(pair.key)
        if isinstance(default, ast.Call) and dotted_name(default.func).rsplit(".", 1)[-1] in ("Query", "Path"):
            if any(kw.arg == "alias" for kw in default.keywords):
                result.problems.append(f"{pair.key} has an alias; rename the header by hand")
                continue
            start, end = module.span(default.func)
            result.add(module, Edit(start, end, header), function)
        elif default is not None:
            start, end = module.span(default)
            result.add(module, Edit(start, start, f"{header}("), function)
            result.add(module, Edit(end, end, ")"), function)
        else:
            annotated_needed = True
            if arg.annotation is None:
                start, end = module.span(arg)
                result.add(module, Edit(end, end, f": Annotated[str, {header}()]"), function)
            else:
                start, end = module.span(arg.annotation)
                result.add(module, Edit(start, start, "Annotated["), function)
                result.add(module, Edit(end, end, f", {header}()]"), function)
    if header_import is not None:
        result.ask(module, header_import, function)
    if annotated_needed:
        typing_import, annotated, refused = add_import(module, "typing", "Annotated")
        if refused:
            result.problems.append(refused)
        elif annotated != "Annotated":
            result.problems.append("`Annotated` is not importable under its own name in the listener module")
        elif typing_import is not None:
            if header_import is not None and not joins_existing_import(module, header_import) \
                    and not joins_existing_import(module, typing_import):
                result.problems.append("the listener module's imports cannot take two new lines at one place")
            else:
                result.ask(module, typing_import, function)
