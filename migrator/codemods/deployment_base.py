"""VNI006: a Visma base URL that deployments can override through an environment variable.

`BASE = os.getenv("VISMA_BASE", "https://integration.visma.net/API")`: the fix rewrites the default
and the paths joined to it, but a deployment that sets VISMA_BASE keeps the old base, and the
rewritten paths then break there. Every such variable is reported by name, with the value it
must hold after the migration (`extra={"environment": NAME, "new_value": ...}`, which the
configuration-file rules match to rewrite `.env` and similar files in the tree).
"""

from __future__ import annotations

import ast
from typing import Any, cast

from migrator import urls
from migrator.edits import apply_edits
from migrator.findings import Edit, Finding
from migrator.python.context import PythonContext
from migrator.python.resolve import dotted_name
from migrator.rulefile import Rule

KIND = "deployment-base"
LANGUAGE = "python"
READERS = ("os.getenv", "os.environ.get", "os.environ.setdefault")


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "environ" not in ctx.text and "getenv" not in ctx.text:
        return []
    resolver = ctx.urls.resolver
    edits = [e for site in ctx.urls.sites for e in site.edits if type(e) is Edit]
    out: list[Finding] = []
    for node in resolver.nodes:
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        if resolver.qualify(dotted_name(node.func)) not in READERS:
            continue
        name, default = node.args[0], node.args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            continue
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            continue
        old = default.value
        if not urls.OLD_HOST_RE.search(old) or urls.is_foreign(old):
            continue
        new = _new_value(ctx, default, edits)
        if new == old:
            continue
        out.append(
            ctx.finding(
                rule,
                node,
                f"{name.value} must be changed in every deployment to {new} (the code's default changes from {old}); "
                "a deployment that still sets the old value breaks once the paths are rewritten",
                extra={"environment": name.value, "new_value": new, "old_value": old},
            )
        )
    return out


def _new_value(ctx: PythonContext, default: ast.Constant, edits: list[Edit]) -> str:
    """The default after this run's fixes; for a base no fix touches, its API Management form."""
    start, end = ctx.index.node_span(default)
    inside = sorted({e for e in edits if start <= e.start and e.end <= end}, key=lambda e: e.start)
    if inside:
        try:
            value = ast.literal_eval(apply_edits(ctx.text[start:end], [Edit(e.start - start, e.end - start, e.replacement) for e in inside]))
            if isinstance(value, str):
                return value
        except (SyntaxError, ValueError):
            pass
    migrated = urls.migrate_url(cast(str, default.value))  # a str default: the caller checked
    if migrated != default.value:
        return migrated
    match = urls.PARTIAL_BASE_RE.search(default.value)
    if match:  # a partial base: the cross-module fix makes it the bare new origin
        return default.value[: match.start()] + urls.NEW_ORIGIN + ("/" if default.value.endswith("/") else "")
    return default.value
