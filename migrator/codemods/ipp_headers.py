"""VNI033: `ipp-company-id` and `ipp-application-type` are not used with Visma Connect tokens.

The company comes from `tenant_id` in the token request. The fix (review) deletes the entry from
header dict literals (`headers=`, `<...>headers.update(...)`, header variables) and deletes a
`headers["ipp-..."] = value` statement that stands alone on its line(s), unless something in the
file reads that header. A dict entry goes with its comma, and with its line when it stood alone;
no `{,}` and no dangling comma is ever left.

`ipp-company-id` stays (manual finding) where the company varies: its value uses a parameter of
the function around it or a loop variable. A Visma Connect token is bound to one `tenant_id`, so
such code needs one token per company; removing the header would send every call to the token's
own tenant, one company's data silently replacing another's. Files whose URLs all point at other
hosts than API Management (and the old gateway it replaces) get no VNI033 findings.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from migrator.findings import Edit, Finding
from migrator.python.context import PythonContext, render_message
from migrator.python.headers import HeaderEntry, header_entries, normalized
from migrator.python.resolve import Resolver, dotted_name
from migrator.python.string_values import is_str
from migrator.rulefile import Rule

KIND = "ipp-headers"
LANGUAGE = "python"
HEADERS = ("ipp-company-id", "ipp-application-type")
_COMPANY = "ipp-company-id"
# Hosts the ipp-* headers question belongs to: API Management and the VNI gateway it replaces.
_FINANCE_HOSTS = ("api.finance.visma.net", "integration.visma.net")
_URL_HOST = re.compile(r"https?://([^/\s\"'?#:]+)", re.IGNORECASE)
_PER_TENANT = (
    "; NOT removed: the company varies here ({why}) and a Visma Connect token is bound to one tenant_id, so "
    "without the header every call reads the token's tenant. Use one token per company (requested with its "
    "tenant_id), then remove the header"
)
_PURE_CALLS = ("os.getenv", "os.environ.get", "str", "getattr", "environ.get", "getenv")


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def _read_elsewhere(resolver: Resolver, entries: list[HeaderEntry]) -> set[str]:
    """Header names the file mentions outside the entries being removed (a read, a test, a log)."""
    own = {id(e.key) for e in entries}
    read: set[str] = set()
    for node in resolver.nodes:
        if is_str(node) and id(node) not in own and normalized(node.value) in HEADERS:  # type: ignore[attr-defined]
            read.add(normalized(node.value))  # type: ignore[attr-defined]
    return read


def _side_effect_free(resolver: Resolver, value: ast.expr) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and resolver.qualify(dotted_name(node.func)) not in _PURE_CALLS:
            return False
        if isinstance(node, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
            return False
    return True


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    """Offset after the newline that ends the line holding `offset` (or the end of the text)."""
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1


def _alone_before(text: str, offset: int) -> bool:
    return text[_line_start(text, offset) : offset].strip() == ""


def _rest_is_blank(text: str, offset: int) -> bool:
    rest = text[offset : _line_end(text, offset)].strip()
    return rest == "" or rest.startswith("#")


def _entry_layout(ctx: PythonContext, container: ast.Dict) -> list[tuple[int, int, int | None]] | None:
    """Per dict entry: (first token start, last token end, offset of its top-level comma or None)."""
    start, end = ctx.index.node_span(container)
    segment = ctx.text[start:end]
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    line_starts = [0]
    for i, char in enumerate(segment):
        if char == "\n":
            line_starts.append(i + 1)

    def offset(pos: tuple[int, int]) -> int:
        return start + line_starts[pos[0] - 1] + pos[1]

    entries: list[tuple[int, int, int | None]] = []
    depth = 0
    first: int | None = None
    last = 0
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    for tok in tokens:
        if tok.type in skip:
            continue
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
            if depth == 1:
                continue
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
            if depth == 0:
                if first is not None:
                    entries.append((first, last, None))
                break
        if depth == 1 and tok.type == tokenize.OP and tok.string == ",":
            if first is None:
                return None
            entries.append((first, last, offset(tok.start)))
            first = None
            continue
        if first is None:
            first = offset(tok.start)
        last = offset(tok.end)
    if len(entries) != len(container.keys):
        return None
    return entries


def _dict_edits(ctx: PythonContext, container: ast.Dict, remove: set[int]) -> list[Edit] | None:
    """Edits deleting the entries at indexes `remove` from a dict literal, or None if not clean."""
    layout = _entry_layout(ctx, container)
    if layout is None:
        return None
    for i in remove:
        key = container.keys[i]
        if key is None or ctx.index.node_span(key)[0] != layout[i][0]:
            return None  # a parenthesised key: not touched
    text = ctx.text
    edits: list[Edit] = []
    count = len(layout)
    i = 0
    while i < count:
        if i not in remove:
            i += 1
            continue
        j = i
        while j + 1 < count and j + 1 in remove:
            j += 1
        first, _, _ = layout[i]
        _, last, comma = layout[j]
        tail = comma + 1 if comma is not None else last
        if _alone_before(text, first) and _rest_is_blank(text, tail):
            edits.append(Edit(_line_start(text, first), _line_end(text, tail), ""))  # whole lines
        elif j + 1 < count:
            edits.append(Edit(first, layout[j + 1][0], ""))  # up to the next entry
        elif i > 0:
            previous_comma = layout[i - 1][2]
            assert previous_comma is not None
            edits.append(Edit(previous_comma, tail, ""))  # the last entries, with the comma before
        else:
            edits.append(Edit(first, tail, ""))  # every entry: `{}`
        i = j + 1
    return edits


def _statement_edit(ctx: PythonContext, resolver: Resolver, statement: ast.stmt) -> list[Edit] | None:
    parent = resolver.parents.get(statement)
    body = None
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if isinstance(block, list) and statement in block:
            body = block
    if body is None or len(body) < 2:
        return None  # the only statement of its block: deleting it would leave the block empty
    start, end = ctx.index.node_span(statement)
    if not _alone_before(ctx.text, start) or not _rest_is_blank(ctx.text, end):
        return None
    return [Edit(_line_start(ctx.text, start), _line_end(ctx.text, end), "")]


def _bound_around(resolver: Resolver, node: ast.AST) -> dict[str, str]:
    """Names that vary per call or per iteration where `node` is: parameters of the enclosing
    functions (not `self` / `cls`) and targets of enclosing loops and comprehensions."""
    bound: dict[str, str] = {}
    current = resolver.parents.get(node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = current.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None and arg.arg not in ("self", "cls"):
                    bound.setdefault(arg.arg, "a parameter")
        elif isinstance(current, (ast.For, ast.AsyncFor)):
            for name in ast.walk(current.target):
                if isinstance(name, ast.Name):
                    bound.setdefault(name.id, "a loop variable")
        elif isinstance(current, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            for generator in current.generators:
                for name in ast.walk(generator.target):
                    if isinstance(name, ast.Name):
                        bound.setdefault(name.id, "a loop variable")
        current = resolver.parents.get(current)
    return bound


def _varies(resolver: Resolver, entry: HeaderEntry) -> str | None:
    """Why the company in this entry varies per call, or None when it is one fixed value."""
    bound = _bound_around(resolver, entry.key)
    for node in ast.walk(entry.value):
        if isinstance(node, ast.Name) and node.id in bound:
            return f"`{node.id}` is {bound[node.id]}"
    return None


def _other_hosts_only(text: str) -> bool:
    hosts = {m.group(1).lower() for m in _URL_HOST.finditer(text)}
    return bool(hosts) and not any(h in _FINANCE_HOSTS for h in hosts)


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    if "ipp" not in ctx.lowered:  # cheap gate: the header names hold 'ipp'
        return []
    if _other_hosts_only(ctx.text):
        return []
    resolver = ctx.urls.resolver
    entries = [e for e in header_entries(resolver) if normalized(e.name) in HEADERS]
    if not entries:
        return []
    read = _read_elsewhere(resolver, entries)
    by_dict: dict[int, list[HeaderEntry]] = {}
    for entry in entries:
        if entry.container is not None:
            by_dict.setdefault(id(entry.container), []).append(entry)
    out: list[Finding] = []
    dict_edits: dict[int, list[Edit] | None] = {}
    for key, group in by_dict.items():
        container = group[0].container
        assert container is not None
        removable = [e for e in group if normalized(e.name) not in read and _side_effect_free(resolver, e.value)
                     and not (normalized(e.name) == _COMPANY and _varies(resolver, e))]
        indexes = {container.keys.index(e.key) for e in removable}
        dict_edits[key] = _dict_edits(ctx, container, indexes) if indexes else None
    for entry in entries:
        name = normalized(entry.name)
        edits: list[Edit] | None
        why = ""
        varies = _varies(resolver, entry) if name == _COMPANY else None
        if varies:
            edits, why = None, _PER_TENANT.format(why=varies)
        elif name in read:
            edits, why = None, f"; not removed automatically: the file also reads {name}"
        elif not _side_effect_free(resolver, entry.value):
            edits, why = None, "; not removed automatically: its value calls code that may do more than compute it"
        elif entry.container is not None:
            edits = dict_edits.get(id(entry.container))
        else:
            assert entry.statement is not None
            edits = _statement_edit(ctx, resolver, entry.statement)
        if edits is None and not why:
            why = "; not removed automatically: delete it by hand"
        span = entry.key if entry.statement is None else entry.statement
        out.append(ctx.finding(rule, span, render_message(rule, header=entry.name) + why, edits or ()))
    return out
