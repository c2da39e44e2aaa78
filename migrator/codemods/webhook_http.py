"""VNI014: a webhook target over http. Visma's Webhook Dispatcher delivers to https URLs only.

Webhook targets are recognised by name: a `hookUri` field (the VNI subscription body), and dict
keys, keyword arguments, variables and attributes named like `webhook_url`, `hook_uri`,
`webhook_address`. Loopback addresses (a local test listener, e.g. the sandbox) are left alone:
the dispatcher could not reach them anyway. A `erp-api-background` URL is VNI010's.
"""

from __future__ import annotations

import ast
import re
import urllib.parse

from migrator.findings import Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.resolve import dotted_name
from migrator.python.string_values import OPAQUE, is_string_root, static_text
from migrator.rulefile import Rule

KIND = "webhook-http"
LANGUAGE = "python"
_NAME_RE = re.compile(r"hook(?:uri|url|address|target|endpoint)$")
_LOOPBACK = ("localhost", "127.", "::1", "[::1]", "0.0.0.0")


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def is_webhook_name(name: str) -> bool:
    squashed = re.sub(r"[_\-\s]", "", name.rsplit(".", 1)[-1].lower())
    return squashed in ("webhook", "hookuri") or bool(_NAME_RE.search(squashed))


def http_target(text: str) -> str | None:
    """The http URL in `text` when it is a webhook target that is not https (loopback excluded)."""
    value = text.strip()
    if not value.lower().startswith("http://"):
        return None
    try:
        host = urllib.parse.urlsplit(value.replace(OPAQUE, "x")).hostname or ""
    except ValueError:
        host = ""
    if host.startswith(_LOOPBACK) or host == "::1":
        return None
    return value


def _candidates(ctx: PythonContext) -> list[tuple[ast.expr, str]]:
    out: list[tuple[ast.expr, str]] = []
    for node in ctx.urls.resolver.nodes:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_webhook_name(key.value):
                    out.append((value, key.value))
        elif isinstance(node, ast.keyword) and node.arg and is_webhook_name(node.arg):
            out.append((node.value, node.arg))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = dotted_name(target)
                if name and is_webhook_name(name):
                    out.append((node.value, name))
    return out


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "http://" not in ctx.lowered:  # cheap gate: an http target is written as http://
        return []
    resolver = ctx.urls.resolver
    seen: set[int] = set()
    out: list[Finding] = []
    # Definitions first, so a literal is reported where it is written, not again where it is used.
    candidates = sorted(_candidates(ctx), key=lambda c: (not is_string_root(c[0]), c[0].lineno, c[0].col_offset))
    for value, name in candidates:
        origin = value
        if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
            resolved = resolver.resolve(value)
            origin = resolved.expr if resolved else value
        if id(origin) in seen or id(value) in seen:
            continue
        text = static_text(resolver, value)
        target = http_target(text) if text is not None else None
        if target is None:
            continue
        seen.update((id(origin), id(value)))
        shown = target.replace(OPAQUE, "{…}")
        out.append(ctx.finding(rule, value, render_message(rule, name=name, url=shown), replacement=None, extra={"url": shown}))
    return out
