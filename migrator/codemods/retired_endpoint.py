"""VNI030 / VNI031: calls to VNI endpoints that API Management does not serve (report only).

Parameters: `endpoints`, a list of regular expressions matched right after the host (or the
`/API/` prefix) of every URL the file builds towards a Visma host (see
`migrator.python.visma_endpoints`). There is no rewrite: the message names what replaces them.
"""

from __future__ import annotations

from typing import Any

from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.visma_endpoints import matching, visma_strings
from migrator.rulefile import Rule, RulePattern, rule_pattern

KIND = "retired-endpoint"
LANGUAGE = "python"


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    unknown = set(parameters) - {"endpoints"}
    if unknown:
        return f"unknown parameter(s) {', '.join(sorted(unknown))} (allowed: endpoints)"
    endpoints = parameters.get("endpoints")
    if not isinstance(endpoints, list) or not endpoints or not all(isinstance(e, str) for e in endpoints):
        return "endpoints must be a non-empty list of regular expressions"
    try:
        rule_pattern(endpoints)
    except ValueError as exc:
        return f"endpoints: {exc}"
    return None


def pattern(rule: Rule) -> RulePattern:
    """The rule's endpoints as one pattern, bounded in time and size (rule files are user input)."""
    return rule_pattern(rule.parameters["endpoints"], rule.id)


# Every retired endpoint's path holds one of these words: a file without them has nothing to report.
_WORDS = ("resources", "security", "oauth")


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    out: list[Finding] = []
    lowered = ctx.text.lower()
    if not any(word in lowered for word in _WORDS):
        return out
    for item, match in matching(visma_strings(ctx), pattern(rule)):
        message = render_message(rule, url=item.shown(), endpoint=match.group())
        out.append(ctx.finding(rule, item.node, message, extra={"url": item.shown(), "endpoint": match.group()}))
    return out
