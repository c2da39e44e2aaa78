"""VNI032: the VNI OAuth flow (report only; the auth flow itself changes).

Three forms: a URL of a VNI OAuth endpoint (`endpoints` parameter, regular expressions as for
`retired-endpoint`); the password grant (`grant_type=password` as a dict entry, a form string or
`fetch_token(..., password=...)`) sent to a Visma endpoint; and reading the `token` field of the
response of a VNI token endpoint (Visma Connect answers `access_token` and `expires_in`). A
`token` field of any other response is not reported.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from migrator.codemods.retired_endpoint import pattern
from migrator.codemods.retired_endpoint import (
    validate_parameters as _validate_endpoints,
)
from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.resolve import Resolver, dotted_name
from migrator.python.string_values import (
    OPAQUE,
    VISMA_HOST_RE,
    call_url,
    client_base,
    is_request_call,
    is_str,
    static_text,
    string_roots,
    with_bindings,
)
from migrator.python.visma_endpoints import first_match, matching, visma_strings
from migrator.rulefile import Rule, RulePattern

KIND = "vni-auth"
LANGUAGE = "python"
_VISMA_RE = re.compile(VISMA_HOST_RE.pattern + r"|connect\.visma\.com|/API/(?:resources|security)/", re.IGNORECASE)


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    return _validate_endpoints(parameters)


def _url_of(resolver: Resolver, call: ast.Call, bindings: dict[str, ast.expr]) -> str:
    url = static_text(resolver, call_url(call)) or ""
    if "://" not in url:
        url = (client_base(resolver, call, bindings) or "") + url
    return url


def _sending_calls(resolver: Resolver, node: ast.expr) -> list[ast.Call]:
    """The calls that send `node` (directly as an argument, or through a name bound to it)."""
    parent = resolver.parents.get(node)
    if isinstance(parent, ast.keyword):
        parent = resolver.parents.get(parent)
    if isinstance(parent, ast.Call):
        return [parent]
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], (ast.Name, ast.Attribute)):
        calls = []
        for other in resolver.nodes:
            if isinstance(other, ast.Call):
                for arg in [*other.args, *(kw.value for kw in other.keywords)]:
                    if isinstance(arg, (ast.Name, ast.Attribute)):
                        resolved = resolver.resolve(arg)
                        if resolved is not None and resolved.expr is node:
                            calls.append(other)
        return calls
    return []


def _password_grants(ctx: PythonContext, bindings: dict[str, ast.expr]) -> list[tuple[ast.AST, str]]:
    resolver = ctx.urls.resolver
    sent: list[tuple[ast.AST, ast.expr]] = []  # (node to report, payload node that is sent)
    for node in resolver.nodes:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if is_str(key) and key.value == "grant_type" and static_text(resolver, value) == "password":  # type: ignore[union-attr]
                    sent.append((value, node))
        elif (
            isinstance(node, ast.Call)
            and dotted_name(node.func).endswith("fetch_token")
            and any(kw.arg == "password" for kw in node.keywords)
        ):
            sent.append((node, node))
    for root in string_roots(resolver.tree):
        text = static_text(resolver, root) or ""
        if re.search(r"(?:^|&)grant_type=password(?:&|$)", text):
            sent.append((root, root))
    out: list[tuple[ast.AST, str]] = []
    for report, payload in sent:
        calls = [payload] if isinstance(payload, ast.Call) else _sending_calls(resolver, payload)
        for call in calls:
            url = _url_of(resolver, call, bindings) if is_request_call(call) or call is payload else ""
            if url and _VISMA_RE.search(url):
                out.append((report, f"the password grant sent to {url.replace(OPAQUE, '{…}')}"))
                break
    return out


def _token_reads(ctx: PythonContext, endpoint: RulePattern, bindings: dict[str, ast.expr]) -> list[tuple[ast.AST, str]]:
    resolver = ctx.urls.resolver
    token_calls: list[ast.Call] = []
    for node in resolver.nodes:
        if isinstance(node, ast.Call) and is_request_call(node):
            url = _url_of(resolver, node, bindings)
            if _VISMA_RE.search(url) and first_match(url, endpoint) is not None:
                token_calls.append(node)
    out: list[tuple[ast.AST, str]] = []
    for call in token_calls:
        responses: set[int] = {id(call)}  # expressions that are the token response
        bodies: set[int] = set()  # expressions that are its JSON body
        names: dict[str, str] = {}  # name -> "response" | "body"
        function, _ = resolver.enclosing(call)
        scope = list(ast.walk(function)) if function is not None else resolver.nodes
        parent = resolver.parents.get(call)
        while isinstance(parent, ast.Await):
            parent = resolver.parents.get(parent)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            names[parent.targets[0].id] = "response"
        for node in scope:  # `body = response.json()`
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                value = node.value
                if _is_json_of(value, responses, names):
                    names[node.targets[0].id] = "body"
        for node in scope:
            if isinstance(node, ast.Call) and _is_json_of(node, responses, names):
                bodies.add(id(node))
        for node in scope:
            key: ast.expr | None = None
            target: ast.expr | None = None
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                key, target = node.slice, node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
                key, target = node.args[0], node.func.value
            if not isinstance(key, ast.Constant) or key.value != "token":
                continue
            if id(target) in bodies or (isinstance(target, ast.Name) and names.get(target.id) == "body"):
                out.append((key, "reading the `token` field of the answer of the VNI OAuth endpoint"))
    return out


def _is_json_of(node: ast.expr, responses: set[int], names: dict[str, str]) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "json"):
        return False
    owner = node.func.value
    return id(owner) in responses or (isinstance(owner, ast.Name) and names.get(owner.id) == "response")


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    endpoint = pattern(rule)
    out: list[Finding] = []
    lowered = ctx.text.lower()
    # Cheap gates: each form needs its word in the file (the endpoints hold "oauth" or "security").
    if not any(word in lowered for word in ("oauth", "security", "password", "token")):
        return out
    bindings = with_bindings(ctx.urls.resolver)
    if "oauth" in lowered or "security" in lowered:
        for item, _match in matching(visma_strings(ctx), endpoint):
            what = f"VNI OAuth endpoint {item.shown()}"
            out.append(ctx.finding(rule, item.node, render_message(rule, what=what), extra={"url": item.shown(), "form": "endpoint"}))
    if "password" in lowered:
        for node, what in _password_grants(ctx, bindings):
            out.append(ctx.finding(rule, node, render_message(rule, what=what[0].upper() + what[1:]), extra={"form": "password-grant"}))
    if "token" not in lowered:
        return out
    for node, what in _token_reads(ctx, endpoint, bindings):
        out.append(ctx.finding(rule, node, render_message(rule, what=what[0].upper() + what[1:]), extra={"form": "token-field"}))
    return out
