"""VNI034: code that accepts only `integration.visma.net` as the host of a Location, redirect,
stateLocation or contentLocation URL would deny `api.finance.visma.net` (domain.md section 2).

Forms and fixes (review): a set/list/tuple of hosts used as an allowlist gets the new host as an
element beside the old one; `host == "integration.visma.net"` becomes
`(host == "integration.visma.net" or host == "api.finance.visma.net")` (`!=` with `and`; `in`
on a string likewise); `.startswith`/`.endswith` with the old host gets a tuple holding both;
a regular expression gets the new host as an alternative. Only a bare host or origin counts
(`https://integration.visma.net`, optionally with `/`): a URL with a path is no host check.
"""

from __future__ import annotations

import ast
import re

from migrator.findings import Edit, Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.literals import Text, literal_pieces, source_span
from migrator.python.resolve import Resolver, dotted_name
from migrator.python.string_values import is_str
from migrator.rulefile import Rule

KIND = "location-host-allowlist"
LANGUAGE = "python"
OLD = "integration.visma.net"
NEW = "api.finance.visma.net"
_HOST_RE = re.compile(r"^(?P<scheme>https?://)?(?P<dot>\.)?integration\.visma\.net(?P<slash>/?)$", re.IGNORECASE)
_REGEX_HOST = re.compile(r"integration\\\.visma\\\.net", re.IGNORECASE)
_REGEX_TAIL = re.compile(r"^[\\/$()?:|*+.\[\]]*$")  # after the host: no further path, only anchors
_ALLOWLIST_NAME = re.compile(r"allow|trust|whitelist|permit|valid|safe|known|host|domain|origin", re.IGNORECASE)
_REGEX_FUNCS = ("re.compile", "re.match", "re.fullmatch", "re.search")
_PURE = ("urlparse", "urlsplit", "lower", "casefold", "strip", "rstrip", "lstrip", "get", "str")


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def _old_host(node: ast.AST | None) -> re.Match[str] | None:
    return _HOST_RE.match(node.value) if is_str(node) else None  # type: ignore[union-attr]


def _new_value(match: re.Match[str]) -> str:
    return f"{match.group('scheme') or ''}{match.group('dot') or ''}{NEW}{match.group('slash')}"


def _has_new(values: list[ast.expr]) -> bool:
    return any(is_str(v) and NEW in v.value.lower() for v in values)  # type: ignore[attr-defined]


def _quoted(ctx: PythonContext, literal: ast.Constant, value: str) -> str:
    """`value` as a literal written like `literal` (same prefix and quotes)."""
    source = ctx.text[slice(*ctx.index.node_span(literal))]
    match = re.match(r"^([a-zA-Z]*)('''|\"\"\"|'|\")", source)
    prefix, quote = (match.group(1), match.group(2)) if match else ("", '"')
    return f"{prefix.replace('f', '').replace('F', '')}{quote}{value}{quote}"


def _collection_used_as_allowlist(resolver: Resolver, node: ast.expr) -> bool:
    parent = resolver.parents.get(node)
    if isinstance(parent, ast.Compare) and node in parent.comparators:
        return any(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops)
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr in ("endswith", "startswith"):
        return True
    if isinstance(parent, ast.Call) and dotted_name(parent.func) in ("set", "frozenset", "tuple", "list"):
        node, parent = parent, resolver.parents.get(parent)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        names = [dotted_name(t) for t in targets]
        if any(_ALLOWLIST_NAME.search(n) for n in names if n):
            return True
        short = {n.rsplit(".", 1)[-1] for n in names if n}
        for other in resolver.nodes:  # the name is used as the right side of `in`
            if (
                isinstance(other, ast.Compare)
                and any(isinstance(op, (ast.In, ast.NotIn)) for op in other.ops)
                and any(dotted_name(c).rsplit(".", 1)[-1] in short for c in other.comparators if dotted_name(c))
            ):
                return True
    return False


def _pure(expr: ast.expr) -> bool:
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and dotted_name(node.func).rsplit(".", 1)[-1] not in _PURE:
            return False
        if isinstance(node, (ast.NamedExpr, ast.Await, ast.Lambda)):
            return False
    return True


def _collections(ctx: PythonContext, resolver: Resolver) -> list[tuple[ast.AST, str, list[Edit]]]:
    out: list[tuple[ast.AST, str, list[Edit]]] = []
    for node in resolver.nodes:
        if not isinstance(node, (ast.Set, ast.List, ast.Tuple)) or _has_new(node.elts):
            continue
        old = [(e, m) for e in node.elts if (m := _old_host(e))]
        if not old or not _collection_used_as_allowlist(resolver, node):
            continue
        literal, match = old[0]
        end = ctx.index.node_span(literal)[1]
        addition = _quoted(ctx, literal, _new_value(match))  # type: ignore[arg-type]
        out.append((literal, "the allowlist", [Edit(end, end, f", {addition}")]))
    return out


def _comparisons(ctx: PythonContext, resolver: Resolver) -> list[tuple[ast.AST, str, list[Edit]]]:
    out: list[tuple[ast.AST, str, list[Edit]]] = []
    for node in resolver.nodes:
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        op, left, right = node.ops[0], node.left, node.comparators[0]
        start, end = ctx.index.node_span(node)
        source = ctx.text[start:end]
        if isinstance(op, (ast.Eq, ast.NotEq)):
            literal, other = (right, left) if _old_host(right) else (left, right)
            match = _old_host(literal)
            if match is None or not _pure(other) or _old_host(other):
                continue
            new_source = source.replace(ctx.text[slice(*ctx.index.node_span(literal))], _quoted(ctx, literal, _new_value(match)), 1)  # type: ignore[arg-type]
            joiner = " or " if isinstance(op, ast.Eq) else " and "
        elif isinstance(op, (ast.In, ast.NotIn)) and _old_host(left) and not isinstance(right, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            match = _old_host(left)
            literal = left
            if not _pure(right) or match is None:
                continue
            new_source = _quoted(ctx, left, _new_value(match)) + source[ctx.index.node_span(left)[1] - start :]  # type: ignore[arg-type]
            joiner = " or " if isinstance(op, ast.In) else " and "
        else:
            continue
        parent = resolver.parents.get(node)
        if isinstance(parent, ast.BoolOp) and any(_old_host(c) is None and _mentions_new(c) for c in parent.values):
            continue  # already `... or host == "api.finance.visma.net"`
        out.append((literal, "the comparison", [Edit(start, end, f"({source}{joiner}{new_source})")]))
    return out


def _mentions_new(node: ast.expr) -> bool:
    return any(is_str(n) and NEW in n.value.lower() for n in ast.walk(node))  # type: ignore[attr-defined]


def _affixes(ctx: PythonContext, resolver: Resolver) -> list[tuple[ast.AST, str, list[Edit]]]:
    out: list[tuple[ast.AST, str, list[Edit]]] = []
    for node in resolver.nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("startswith", "endswith")):
            continue
        if len(node.args) != 1 or (match := _old_host(node.args[0])) is None:
            continue
        literal = node.args[0]
        start, end = ctx.index.node_span(literal)
        pair = f"({ctx.text[start:end]}, {_quoted(ctx, literal, _new_value(match))})"  # type: ignore[arg-type]
        out.append((literal, f"the .{node.func.attr}() check", [Edit(start, end, pair)]))
    return out


def _regexes(ctx: PythonContext, resolver: Resolver) -> list[tuple[ast.AST, str, list[Edit]]]:
    out: list[tuple[ast.AST, str, list[Edit]]] = []
    for node in resolver.nodes:
        if not (isinstance(node, ast.Call) and resolver.qualify(dotted_name(node.func)) in _REGEX_FUNCS and node.args):
            continue
        literal = node.args[0]
        if isinstance(literal, ast.Name):
            resolved = resolver.resolve(literal)
            literal = resolved.expr if resolved else literal
        if not is_str(literal) or re.search(r"api\\?\.finance", literal.value, re.IGNORECASE):  # type: ignore[attr-defined]
            continue
        value: str = literal.value  # type: ignore[attr-defined]
        matches = [m for m in _REGEX_HOST.finditer(value) if _REGEX_TAIL.match(value[m.end() :])]
        if len(matches) != 1:
            continue
        match = matches[0]
        start, end = ctx.index.node_span(literal)
        pieces = literal_pieces(ctx.text, start, end)
        if not pieces or len(pieces) != 1 or not isinstance(pieces[0], Text):
            continue
        span = source_span(pieces[0], match.start(), match.end())
        if span is None:
            continue
        raw = ctx.text[span[0] : span[1]]
        backslash = "\\\\" if raw.count("\\") == 4 else "\\"  # a plain literal writes `\\.`
        alternative = f"(?:{raw}|api{backslash}.finance{backslash}.visma{backslash}.net)"
        out.append((literal, "the regular expression", [Edit(span[0], span[1], alternative)]))
    return out


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "integration" not in ctx.lowered:  # cheap gate: a check against the old host names it (maybe as a regex)
        return []
    resolver = ctx.urls.resolver
    out: list[Finding] = []
    seen: set[int] = set()
    for finder in (_collections, _comparisons, _affixes, _regexes):
        for node, where, edits in finder(ctx, resolver):
            if id(node) in seen:
                continue
            seen.add(id(node))
            out.append(ctx.finding(rule, node, render_message(rule, where=where), edits, replacement=None))
    return out
