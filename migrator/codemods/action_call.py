"""VNI021: calls to `.../action/...` endpoints already run in the background (info, never rewritten).

They answer 202 at once; the background API cannot report the resulting document state, so code
that needs it must follow up with a GET of the document. VNI020 leaves these calls alone.
"""

from __future__ import annotations

from migrator.background.http_calls import HttpCallFinder
from migrator.background.rewrite import is_wrapped
from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.rulefile import Rule

KIND = "action-call"
LANGUAGE = "python"


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "/action/" not in ctx.text.lower():
        return []
    out: list[Finding] = []
    for call in HttpCallFinder(ctx.tree, ctx.urls.resolver).calls():
        if call.is_action and not is_wrapped(call.node):
            out.append(ctx.finding(rule, call.node, render_message(rule, endpoint=call.endpoint or "?"),
                                   extra={"endpoint": call.endpoint}))
    return out
