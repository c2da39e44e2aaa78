"""The strings in one file that address a Visma VNI path, with the URL they add up to.

A string counts when its known text holds a Visma host (`integration.visma.net`, or a host
already swapped to `api.finance.visma.net`), when it is a path joined to such a base (an httpx
client's `base_url`, `urljoin`), or when it keeps the VNI-only `/API/resources/` or
`/API/security/` prefix behind a base the file does not define. Paths on other hosts never count.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from migrator.python.resolve import Resolver, dotted_name

if TYPE_CHECKING:
    import regex

    from migrator.rulefile import RulePattern
from migrator.python.string_values import (
    OPAQUE,
    VISMA_HOST_RE,
    cached,
    client_base,
    request_calls,
    static_text,
    string_roots,
    with_bindings,
)

_VNI_PREFIX_RE = re.compile(r"/API/(?:resources|security)/", re.IGNORECASE)


@dataclass(frozen=True)
class VismaString:
    node: ast.expr  # the expression to report
    url: str  # what it adds up to (OPAQUE for unknown parts)
    borrowed: tuple[str, ...] = ()  # texts of the names it reads: their own definitions are reported there

    def shown(self) -> str:
        return self.url.replace(OPAQUE, "{…}")


def _host_known_elsewhere(text: str) -> bool:
    """True when the text names a scheme and host that are not Visma's."""
    match = re.search(r"[a-z][a-z0-9+.-]*://([^/\s]*)", text, re.IGNORECASE)
    return match is not None and not VISMA_HOST_RE.search(match.group(1))


def visma_strings(ctx) -> list[VismaString]:  # type: ignore[no-untyped-def]
    """Computed once per file (the endpoint and auth rules share it)."""
    return cached(ctx, "visma_strings", lambda: _collect(ctx.urls.resolver))  # type: ignore[no-any-return]


def _collect(resolver: Resolver) -> list[VismaString]:
    out: list[VismaString] = []
    seen: set[int] = set()
    bindings = with_bindings(resolver)
    joined: dict[int, str] = {}  # path node -> base + path, for joins the file spells out
    for call, _ in request_calls(resolver):
        base = client_base(resolver, call, bindings)
        url = call.args[1] if dotted_name(call.func).endswith(("request", "stream")) and len(call.args) > 1 else (
            call.args[0] if call.args else None
        )
        if base is not None and url is not None:
            path = static_text(resolver, url)
            if path is not None and "://" not in path:
                joined[id(url)] = base.rstrip("/") + "/" + path.lstrip("/")
    for node in resolver.nodes:
        if isinstance(node, ast.Call) and dotted_name(node.func).endswith("urljoin") and len(node.args) >= 2:
            base = static_text(resolver, node.args[0])
            path = static_text(resolver, node.args[1])
            if base is not None and path is not None and "://" not in path:
                joined[id(node.args[1])] = base.rsplit("/", 1)[0] + "/" + path.lstrip("/") if not base.endswith("/") else base + path.lstrip("/")
    for root in string_roots(resolver.tree):
        text = static_text(resolver, root)
        if text is None or id(root) in seen:
            continue
        text = joined.get(id(root), text)
        if _host_known_elsewhere(text):
            continue
        if VISMA_HOST_RE.search(text) or _VNI_PREFIX_RE.search(text):
            seen.add(id(root))
            out.append(VismaString(root, text, _borrowed(resolver, root)))
    return out


def _borrowed(resolver: Resolver, root: ast.expr) -> tuple[str, ...]:
    """The known texts of the names and lookups a string expression reads."""
    if isinstance(root, ast.JoinedStr):
        operands = [v.value for v in root.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(root, ast.BinOp):
        operands = [root.left, root.right]
        if isinstance(root.op, ast.Mod):
            operands = list(root.right.elts) if isinstance(root.right, ast.Tuple) else [root.right]
    else:
        return ()
    out = []
    for operand in operands:
        if isinstance(operand, (ast.Name, ast.Attribute, ast.Subscript)):
            text = static_text(resolver, operand)
            if text:
                out.append(text)
        elif isinstance(operand, (ast.BinOp, ast.JoinedStr)):
            out.extend(_borrowed(resolver, operand))
    return tuple(out)


def matching(strings: list[VismaString], pattern: RulePattern) -> list[tuple[VismaString, regex.Match[str]]]:
    """The strings whose URL has `pattern` right after the host or the `/API/` prefix."""
    out = []
    for item in strings:
        if any(first_match(text, pattern) for text in item.borrowed):
            continue  # the endpoint comes whole from a name: reported where that name is defined
        match = first_match(item.url, pattern)
        if match:
            out.append((item, match))
    return out


def first_match(url: str, pattern: RulePattern) -> regex.Match[str] | None:
    for anchor in re.finditer(r"visma\.net(?:/API)?/|/API/", url, re.IGNORECASE):
        match = pattern.match(url, anchor.end())
        if match:
            return match
    return None
