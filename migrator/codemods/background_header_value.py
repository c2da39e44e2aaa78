"""VNI013: an `erp-api-background` value that API Management does not know.

Known values (domain.md section 3): `none`, `subscription`, `subscription:<name>=<value>,...`.
A URL is VNI010's (it has a rewrite); every other value the file spells out is reported here.
Values the file does not tell (a parameter, a call) are left alone: the tool never guesses them.
Letter case is not documented; Visma's own example writes `None`, so case is not held against a value.
"""

from __future__ import annotations

import ast
import re

from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.headers import header_entries, normalized
from migrator.python.string_values import OPAQUE, static_text
from migrator.rulefile import Rule

KIND = "background-header-value"
LANGUAGE = "python"
HEADER = "erp-api-background"
_TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z\-\ue000]+$")  # RFC 9110 tchar (OPAQUE: unknown)
_URL_RE = re.compile(r"^\s*[a-z][a-z0-9+.-]*://|://", re.IGNORECASE)


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def problem(text: str) -> str | None:
    """Why `text` is not a valid header value, or None (valid, a URL, or not known)."""
    if _URL_RE.search(text) or (text.startswith(OPAQUE) and "/" in text):
        return None  # a URL, or built as one: VNI010's
    if text.startswith(OPAQUE):
        return None  # the mode itself is not known here
    value = text.strip()
    lowered = value.lower()
    if lowered in ("none", "subscription"):
        return None
    if not lowered.startswith("subscription:"):
        return "the value is neither none nor subscription"
    pairs = value.split(":", 1)[1]
    if not pairs.strip():
        return "subscription: is followed by no name=value pair"
    for pair in pairs.split(","):
        name, equals, _ = pair.partition("=")
        if not equals:
            return f"{pair.strip() or 'an empty pair'!r} is not name=value"
        if not _TOKEN_RE.match(name.strip()):
            return f"{name.strip()!r} is not a valid header name"
    return None


def _values(ctx: PythonContext) -> list[ast.expr]:
    resolver = ctx.urls.resolver
    values = [entry.value for entry in header_entries(resolver) if normalized(entry.name) == HEADER]
    for node in resolver.nodes:  # generated clients: the parameter sets the same header
        if isinstance(node, ast.keyword) and node.arg == "erp_api_background":
            values.append(node.value)
    return values


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "background" not in ctx.lowered:  # cheap gate: the header name holds 'background'
        return []
    out: list[Finding] = []
    for value in _values(ctx):
        shown: str
        reason: str | None
        if isinstance(value, ast.Constant) and value.value is not None and not isinstance(value.value, str):
            reason = f"{value.value!r} is not a string"
            shown = repr(value.value)
        else:
            text = static_text(ctx.urls.resolver, value)
            reason = problem(text) if text is not None else None
            shown = repr(text.replace(OPAQUE, "{…}")) if text is not None else ""
        if reason:
            out.append(ctx.finding(rule, value, render_message(rule, value=shown, reason=reason), extra={"value": shown}))
    return out
