"""Flask listeners: `@app.route`, `@app.post`, blueprints with `url_prefix`, path converters.

The plan: the route literal loses the moved segments, the view loses those parameters and reads
them from `request.headers` (converted as the route converter did: an `int` stays an `int`), and
`request.args` / `request.values` reads of moved query arguments become `request.headers` reads.
"""

from __future__ import annotations

import ast

from migrator.background.placement import placement
from migrator.python.resolve import dotted_name
from migrator.webhooks import signature
from migrator.webhooks.headers import header_name
from migrator.webhooks.routes import (
    ListenerPlan,
    Module,
    Route,
    add_import,
    add_module_import,
    body_insert,
    converted,
    drop_parameters,
    parse_segments,
    rewrite_reads,
    start_plan,
)
from migrator.webhooks.sender import Rendering

FRAMEWORK = "flask"
_METHODS = ("route", "get", "post", "put", "patch", "delete")


def _constructor(module: Module, node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Call):
        qualified = module.resolver.qualify(dotted_name(node.func))
        if qualified in ("flask.Flask", "flask.Blueprint", "flask.blueprints.Blueprint"):
            return qualified.rsplit(".", 1)[-1]
    return None


def _keyword(call: ast.Call, name: str, position: int | None = None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _objects(module: Module) -> dict[str, tuple[str, str | None]]:
    """Module-level Flask apps and blueprints: name -> (kind, url_prefix)."""
    found: dict[str, tuple[str, str | None]] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            kind = _constructor(module, stmt.value)
            if kind is not None:
                assert isinstance(stmt.value, ast.Call)
                prefix = _keyword(stmt.value, "url_prefix") if kind == "Blueprint" else None
                value = prefix.value if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) else None
                found[stmt.targets[0].id] = (kind, value)
    return found


def registrations(modules: list[Module]) -> dict[str, str]:
    """`register_blueprint(bp, url_prefix=...)` anywhere: qualified blueprint name -> prefix."""
    found: dict[str, str] = {}
    for module in modules:
        if b"register_blueprint" not in module.text.encode():
            continue
        for node in module.resolver.nodes:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register_blueprint" and node.args:
                prefix = _keyword(node, "url_prefix")
                if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str):
                    name = dotted_name(node.args[0])
                    qualified = module.resolver.qualify(name)
                    if qualified == name:  # defined in this module
                        qualified = f"{module.dotted}.{name}"
                    found[qualified.lstrip(".")] = prefix.value
    return found


def routes(module: Module, registered: dict[str, str]) -> list[Route]:
    if "flask" not in module.text:
        return []
    objects = _objects(module)
    out: list[Route] = []
    for node in module.resolver.nodes:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr in _METHODS):
                continue
            owner = dotted_name(decorator.func.value)
            if owner not in objects or not decorator.args:
                continue
            literal = decorator.args[0]
            if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str)):
                continue
            _kind, prefix = objects[owner]
            for qualified, registered_prefix in registered.items():
                module_part, _, name = qualified.rpartition(".")
                if name == owner and module.dotted.endswith(module_part.lstrip(".")):
                    prefix = registered_prefix
            prefix = prefix or ""
            segments = parse_segments(prefix, "flask", in_literal=False) + parse_segments(literal.value, "flask")
            out.append(Route(FRAMEWORK, module, literal, segments, node, module,
                             "flask-blueprint" if prefix else "plain", prefix))
    return out


def joined(prefix: str, rule: str) -> str:
    """The URL rule Flask registers for a blueprint rule under `prefix`."""
    if not prefix:
        return rule or "/"
    return "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix


def plan(route: Route, rendering: Rendering) -> ListenerPlan:
    module = route.module
    function = route.handler
    assert function is not None
    result, path_params, segments, new_rule = start_plan(route, rendering, "blueprint")
    if new_rule is None:
        return result
    result.listener_path = joined(route.prefix, new_rule)
    request_import, request_name, refused = add_import(module, "flask", "request")
    if refused:
        result.problems.append(refused)
        return result
    if not request_name:
        result.problems.append("the listener module has no imports to add `from flask import request` beside")
        return result
    where = placement(module.display, {}, signature.HELPER_MODULE)
    helper_import, problem = add_module_import(module, where.import_line)
    if problem:
        result.problems.append(problem)
        return result
    if path_params:
        removal, problem = drop_parameters(module, function, set(path_params))
        if removal is None:
            result.problems.append(problem or "the handler's parameters cannot be removed")
            return result
        result.ask(module, removal, function)
    # Every notification is checked first: Visma signs it with the subscription's key.
    lines = signature.flask_lines(request_name, where.import_line.split()[-1])
    for name, pair in path_params.items():
        read, note = converted(f'{request_name}.headers["{pair.name}"]', segments[name].converter)
        if note:
            result.notes.append(note)
        lines.append(f"{name} = {read}")
    insert, problem = body_insert(module, function, lines)
    if problem:
        result.problems.append(problem)
        return result
    assert insert is not None
    result.add(module, insert, function)
    for request in (request_import, helper_import):  # this order: two new lines read request first
        if request is not None:
            result.ask(module, request, function)
    result.signature = "checked"
    if where.path is not None:
        result.helpers[str(where.path)] = (where.display, signature.helper_source())
    query = {p.key: (p.name, None) for p in rendering.pairs if p.origin == "query"}

    def is_request(node: ast.expr) -> bool:
        name = dotted_name(node)
        return bool(name) and module.resolver.qualify(name) == "flask.request"

    rewrite_reads(module, function, is_request, {"args": "headers", "values": "headers"}, query, result)
    result.anchors.setdefault(module.display, function)
    return result


__all__ = ["FRAMEWORK", "header_name", "plan", "registrations", "routes"]
