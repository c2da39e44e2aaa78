"""The sender side: an `erp-api-background` header whose value is, or is built as, a webhook URL.

The value is flattened into pieces (literal text, or an interpolated expression with its source),
split into scheme, host, path segments and query arguments, and rendered back as
`subscription:name=value,...`. An f-string stays an f-string (its fields keep their source text);
a value with no expression left becomes a plain string.
"""

from __future__ import annotations

import ast
import re
import urllib.parse
from dataclasses import dataclass, field

from migrator.python.literals import Field, Text, literal_pieces
from migrator.python.resolve import Resolver, dotted_name
from migrator.python.urlflow import LineIndex
from migrator.webhooks.headers import header_name, name_problem, value_problem

HEADER = "erp-api-background"
_MARK = "\ue000"
_URL_HINTS = ("url", "uri", "hook", "callback")


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Expr:
    """An interpolated value: `field` is the f-string field body (`batch` or `batch:04d`)."""

    field: str
    expr: str


Piece = Lit | Expr


@dataclass
class Pair:
    """One custom header of `subscription:...` and where its value came from."""

    name: str  # the header name
    value: list[Piece]
    origin: str  # "query" or "path"
    key: str  # the query argument name, or the route parameter / variable the segment is named after
    index: int = -1  # path segment index


@dataclass
class SenderSite:
    value: ast.expr  # the header value as written (where the finding points)
    target: ast.expr  # the expression whose source the fix replaces
    scheme: str
    host: str
    path: list[list[Piece]]  # path segments
    query: list[tuple[str, list[Piece]]]
    display: str  # the URL as written, expressions shown as {expr}
    quote: str = '"'
    problems: list[str] = field(default_factory=list)

    def path_template(self) -> str:
        return "/" + "/".join(_show(s) for s in self.path) if self.path else "/"

    def extra(self) -> dict[str, object]:
        """Plain data for the project phase: host, path template, query names, expressions."""
        return {
            "url": self.display,
            "scheme": self.scheme,
            "host": self.host,
            "path": self.path_template(),
            "query": [name for name, _ in self.query],
            "expressions": sorted({p.expr for s in self.path for p in s if isinstance(p, Expr)}
                                  | {p.expr for _, v in self.query for p in v if isinstance(p, Expr)}),
        }


@dataclass
class Rendering:
    replacement: str | None  # None when the value cannot be encoded
    pairs: list[Pair]
    listener_path: str
    problems: list[str]
    suggestion: str | None = None  # the value to send, for the manual step, even when not rewritten


def _show(pieces: list[Piece]) -> str:
    return "".join(p.text if isinstance(p, Lit) else "{" + p.expr + "}" for p in pieces)


def is_background_header(key: object) -> bool:
    return isinstance(key, str) and key.strip().lower().replace("_", "-") == HEADER


def header_values(tree: ast.Module, nodes: list[ast.AST] | None = None) -> list[ast.expr]:
    """Every expression sent as `erp-api-background`: dict entries, item assignments, keywords."""
    found: list[ast.expr] = []
    for node in nodes if nodes is not None else ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and is_background_header(key.value):
                    found.append(value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
                        and is_background_header(target.slice.value)):
                    found.append(node.value)
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "erp_api_background":
                    found.append(kw.value)
    return found


class _Flattener:
    def __init__(self, text: str, index: LineIndex, resolver: Resolver) -> None:
        self.text = text
        self.index = index
        self.resolver = resolver

    def source(self, node: ast.AST) -> str:
        start, end = self.index.node_span(node)
        return self.text[start:end]

    def flatten(self, node: ast.expr, depth: int = 0) -> list[Piece] | None:
        """Pieces of a string expression; None when it is not one this module can read."""
        if depth > 8:
            return None
        if isinstance(node, ast.Constant):
            return [Lit(node.value)] if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            start, end = self.index.node_span(node)
            pieces = literal_pieces(self.text, start, end)
            values = [v for v in node.values if isinstance(v, ast.FormattedValue)]
            if pieces is None or len([p for p in pieces if isinstance(p, Field)]) != len(values):
                return None
            out: list[Piece] = []
            formatted = iter(values)
            for piece in pieces:
                if isinstance(piece, Text):
                    out.append(Lit(piece.value))
                    continue
                value = next(formatted)
                constant = self.constant(value.value, depth) if piece.simple else None
                out.extend(constant if constant is not None else [Expr(self.text[piece.start + 1 : piece.end - 1], piece.expr.strip())])
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.flatten(node.left, depth + 1)
            right = self.flatten(node.right, depth + 1)
            if left is None and right is None:
                return None
            return (left or [self.expression(node.left)]) + (right or [self.expression(node.right)])
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            return self.constant(node, depth)
        return None

    def constant(self, node: ast.expr, depth: int) -> list[Piece] | None:
        """The pieces of a name that resolves to text with no expression of its own (a URL constant)."""
        if not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            return None
        resolved = self.resolver.resolve(node)
        if resolved is None or resolved.env is not None or resolved.proof != "proved":
            return None
        pieces = self.flatten(resolved.expr, depth + 1)
        if pieces is None or any(isinstance(p, Expr) for p in pieces):
            return None
        return pieces

    def expression(self, node: ast.expr) -> Expr:
        source = self.source(node)
        if isinstance(node, ast.Call) and dotted_name(node.func) == "str" and len(node.args) == 1 and not node.keywords:
            source = self.source(node.args[0])  # str(x) in a concatenation is {x} in an f-string
        return Expr(source, source)


def _join(pieces: list[Piece]) -> tuple[str, list[Expr]]:
    """The value with each expression as a marker, and the expressions in order."""
    exprs: list[Expr] = []
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, Lit):
            out.append(piece.text)
        else:
            out.append(f"{_MARK}{len(exprs)}{_MARK}")
            exprs.append(piece)
    return "".join(out), exprs


def _split(value: str, exprs: list[Expr]) -> list[Piece]:
    out: list[Piece] = []
    for i, chunk in enumerate(value.split(_MARK)):
        if i % 2:
            out.append(exprs[int(chunk)])
        elif chunk:
            out.append(Lit(chunk))
    return out


_URL_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#]*)(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$", re.DOTALL)


def read_site(value: ast.expr, text: str, index: LineIndex, resolver: Resolver) -> SenderSite | None:
    """The webhook URL sent as `value`, or None when the value is no URL (`none`, `subscription...`)."""
    flat = _Flattener(text, index, resolver)
    target = value
    pieces = flat.flatten(value)
    problems: list[str] = []
    if pieces is None and isinstance(value, ast.Name):
        # `url = f"https://.../{tenant}"; headers = {"erp-api-background": url}`: fix the definition
        resolved = resolver.resolve(value)
        if resolved is not None and resolved.key.split(":")[0] in ("local", "module") and resolved.env is None:
            pieces = flat.flatten(resolved.expr)
            target = resolved.expr
            if pieces is not None and resolver.reference_sites(resolved.key) > 1:
                problems.append(f"{resolved.label} is used elsewhere too; change it only where it is the header")
    if pieces is None:
        name = (dotted_name(value) or flat.source(value)).lower()
        if re.search(r"""^[rRuU]?['"]https?://""", flat.source(value)):  # "...".format(...), "..." % (...)
            formatted = _formatted_pieces(value, flat)
            problem = ("the URL is built with str.format or %, which the tool does not rewrite; write it as an "
                       "f-string or move the values by hand")
            if formatted is None:
                return SenderSite(value, target, "", "", [], [], flat.source(value), problems=[problem])
            pieces, problems = formatted, [problem]
        elif any(hint in name for hint in _URL_HINTS):
            return SenderSite(value, target, "", "", [], [], "{" + flat.source(value) + "}",
                              problems=[f"the value comes from {flat.source(value)}, which the tool cannot read"])
        else:
            return None
    joined, exprs = _join(pieces)
    match = _URL_RE.match(joined)
    if match is None or match["scheme"].lower() not in ("http", "https") or _MARK in match["scheme"]:
        return None
    display = _show(pieces)
    path = [_split(s, exprs) for s in match["path"].strip("/").split("/")] if match["path"].strip("/") else []
    query: list[tuple[str, list[Piece]]] = []
    for item in filter(None, (match["query"] or "").split("&")):
        name, sep, raw = item.partition("=")
        if _MARK in name:
            problems.append(f"the query string is built at run time ({_show(_split(item, exprs))}); its names are unknown")
            continue
        query.append((urllib.parse.unquote_plus(name), _split(raw, exprs) if sep else []))
    if match["fragment"]:
        problems.append("the URL has a fragment (#...), which is never sent to a listener")
    quote = '"'
    source = text[slice(*index.node_span(target))]
    opening = re.match(r"[rRbBuUfF]*('|\")", source)
    if opening:
        quote = opening.group(1)
    return SenderSite(value, target, match["scheme"], _show(_split(match["host"], exprs)), path, query, display, quote, problems)


_PERCENT = re.compile(r"%(?:\((?P<key>\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]")
_BRACES = re.compile(r"\{(?P<field>[^{}]*)\}")


def _formatted_pieces(value: ast.expr, flat: _Flattener) -> list[Piece] | None:
    """Pieces of `"template" % args` / `"template".format(args)`, so the manual recipe can name the
    host, the listener path and the values; None when the template or the arguments are unusual."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mod) and isinstance(value.left, ast.Constant) \
            and isinstance(value.left.value, str):
        template = value.left.value
        args = value.right.elts if isinstance(value.right, ast.Tuple) else [value.right]
        named = isinstance(value.right, ast.Dict)
        out: list[Piece] = []
        position = 0
        used = 0
        for match in _PERCENT.finditer(template):
            out.append(Lit(template[position:match.start()]))
            position = match.end()
            if match.group(0) == "%%":
                out.append(Lit("%"))
                continue
            if named or match["key"]:
                return None
            if used >= len(args):
                return None
            out.append(flat.expression(args[used]))
            used += 1
        out.append(Lit(template[position:]))
        return [p for p in out if not (isinstance(p, Lit) and not p.text)] if used == len(args) else None
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "format"
            and isinstance(value.func.value, ast.Constant) and isinstance(value.func.value.value, str)):
        template = value.func.value.value
        keywords = {kw.arg: kw.value for kw in value.keywords if kw.arg}
        out, position, auto = [], 0, 0
        for match in _BRACES.finditer(template.replace("{{", "\ue001").replace("}}", "\ue002")):
            out.append(Lit(template[position:match.start()]))
            position = match.end()
            name = match["field"].split(":")[0].split("!")[0]
            if name == "":
                if auto >= len(value.args):
                    return None
                node, auto = value.args[auto], auto + 1
            elif name.isdigit() and int(name) < len(value.args):
                node = value.args[int(name)]
            elif name in keywords:
                node = keywords[name]
            else:
                return None
            out.append(flat.expression(node))
        out.append(Lit(template[position:]))
        return [p for p in out if not (isinstance(p, Lit) and not p.text)]
    return None


def _segment_name(segment: list[Piece]) -> str | None:
    """A header name for a path segment that is one interpolated variable (`{tenant}`, `{job.id}`)."""
    if len(segment) != 1 or not isinstance(segment[0], Expr):
        return None
    try:
        node = ast.parse(segment[0].expr, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def render(site: SenderSite, route_names: dict[int, str] | None = None, listener_path: str | None = None) -> Rendering:
    """`subscription:...` for `site`. `route_names`: path segment index -> route parameter name
    (the segments the listener's route loses); without it, interpolated segments move, named after
    their variables."""
    problems = list(site.problems)
    pairs: list[Pair] = []
    moved: dict[int, str] = {}
    if route_names is not None:
        moved = dict(route_names)
    else:
        for i, segment in enumerate(site.path):
            if any(isinstance(p, Expr) for p in segment):
                name = _segment_name(segment)
                if name is None:
                    problems.append(f"the path segment {_show(segment)} cannot be named after a variable; "
                                    "name it after the listener route's parameter")
                else:
                    moved[i] = name
    for i, name in sorted(moved.items()):
        pairs.append(Pair(header_name(name), _decoded(site.path[i], plus=False), "path", name, i))
    for name, value in site.query:
        pairs.append(Pair(header_name(name), _decoded(value, plus=True), "query", name))
    seen: set[str] = set()
    for pair in pairs:
        problem = name_problem(pair.name)
        if problem:
            problems.append(problem)
        if pair.name.lower() in seen:
            repeated = pair.origin == "query" and sum(1 for p in pairs if p.key == pair.key) > 1
            problems.append(
                f"the query key {pair.key} is repeated: a subscription header carries one value per name; join "
                f"the values into one {pair.name} value (e.g. separated by '|', never ',' or '=') and split it in "
                "the listener" if repeated else f"two values would travel in the same header {pair.name}")
        seen.add(pair.name.lower())
        literal = "".join(p.text for p in pair.value if isinstance(p, Lit))
        problem = value_problem(pair.name, literal) if literal else None
        if problem:
            problems.append(problem)
        for piece in pair.value:
            if isinstance(piece, Expr) and _encoded(piece.expr):
                problems.append(f"the value of {pair.name} is URL-encoded by {piece.expr}; a header carries it as is")
    if listener_path is None:
        kept = [s for i, s in enumerate(site.path) if i not in moved]
        listener_path = "/" + "/".join(_show(s) for s in kept)
    replacement = None if problems else _literal(pairs, site.quote, problems)
    unique = len({p.name.lower() for p in pairs}) == len(pairs)
    suggestion = replacement if replacement is not None else (
        _literal(pairs, site.quote, []) if site.host and unique else None)
    return Rendering(replacement, pairs, listener_path, problems, suggestion)


def _decoded(pieces: list[Piece], plus: bool) -> list[Piece]:
    unquote = urllib.parse.unquote_plus if plus else urllib.parse.unquote
    return [Lit(unquote(p.text)) if isinstance(p, Lit) else p for p in pieces]


def _encoded(expr: str) -> bool:
    return bool(re.match(r"^(urllib\.parse\.|parse\.)?(quote|quote_plus|urlencode)\(", expr))


def _literal(pairs: list[Pair], quote: str, problems: list[str]) -> str | None:
    """The Python literal for `subscription:name=value,...` (an f-string when a value is computed)."""
    fields = [p for pair in pairs for p in pair.value if isinstance(p, Expr)]
    fstring = bool(fields)
    sources = "".join(p.field for p in fields)
    if quote in sources:
        quote = "'" if quote == '"' else '"'
    if quote in sources or "\\" in sources or "\n" in sources or "#" in sources:
        problems.append("an interpolated expression cannot be moved into a one-line f-string as written")
        return None

    def text(value: str) -> str:
        value = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
        return value.replace("{", "{{").replace("}", "}}") if fstring else value

    body = "subscription" + (":" if pairs else "") + ",".join(
        text(pair.name) + "=" + "".join(text(p.text) if isinstance(p, Lit) else "{" + p.field + "}" for p in pair.value)
        for pair in pairs
    )
    return ("f" if fstring else "") + quote + body + quote
