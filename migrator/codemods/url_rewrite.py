"""VNI001 / VNI003: a string that holds a whole old (or half-migrated) URL gets the new one."""

from __future__ import annotations

from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.rulefile import Rule

KIND = "url-rewrite"
LANGUAGE = "python"


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    out: list[Finding] = []
    for site in ctx.urls.sites:
        if site.rule != rule.id:
            continue
        message = render_message(rule, old=site.old, new=site.new)
        if site.problem:
            message += f" (not fixed automatically: {site.problem})"
        out.append(
            ctx.finding(rule, site.node, message, site.edits, replacement=site.new, extra={"url": site.new, "old_url": site.old})
        )
    return out
