"""VNI004: comments and docstrings that mention the old URL (info; rewritten with --unsafe-fixes)."""

from __future__ import annotations

from migrator.findings import Edit, Finding
from migrator.python.context import PythonContext, render_message
from migrator.rulefile import Rule

KIND = "url-mention"
LANGUAGE = "python"


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    out: list[Finding] = []
    for site in ctx.urls.sites:
        if site.docstring:
            out.append(ctx.finding(rule, site.node, render_message(rule, where="docstring"), site.edits))
    for start, end, old, new in ctx.urls.comment_sites:
        edits = [Edit(start, end, new)] if new != old else []
        out.append(ctx.finding(rule, (start, end), render_message(rule, where="comment"), edits, replacement=new))
    return out
