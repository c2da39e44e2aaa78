"""Where old VNI URLs are built in one Python file, and the edits that migrate them.

One pass over the `ast`: every maximal string-building expression (a literal, an f-string, `+`,
`%`, `str.format`, `urljoin`, a request on a client created with a base URL) is flattened into
*parts*: known text with a map back to the source, or opaque values. Names, attributes, config
dicts and `os.getenv` defaults are followed to their definition (`resolve.py`), so a base defined
once and joined with paths elsewhere in the file is one URL. The URL mapping (`migrator.urls`) is
applied to the joined value and spread back over the literals; the result is re-evaluated with
the join's own semantics (`urljoin`, httpx's base_url merge) before any edit is proposed.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
import urllib.parse
from array import array
from dataclasses import dataclass, field

from migrator import urls
from migrator.findings import Edit
from migrator.needle_lines import line_starts
from migrator.python.literals import (
    Field,
    Piece,
    Text,
    literal_pieces,
    source_span,
    text_value,
)
from migrator.python.resolve import Resolution, Resolver, dotted_name

OPAQUE = "\ue000"


@dataclass(frozen=True)
class ClientSpec:
    """A client constructor whose requests are joined to a base URL (from a rule's parameters)."""

    constructor: str  # qualified name, e.g. "httpx.Client"
    base_argument: str  # keyword (or first positional) argument holding the base
    join: str  # "httpx" | "urljoin" | "concat"
    methods: tuple[str, ...]
    url_position: int = 0  # positional index of the URL in a method call (1 for request(method, url))


@dataclass(frozen=True, slots=True)
class ForeignEdit(Edit):
    """An edit in another file than the one analysed (project-wide analysis): `file` names it."""

    file: str = ""


@dataclass
class Origin:
    """Where a node from another module comes from (project-wide analysis)."""

    file: str  # display path
    text: str
    index: LineIndex


@dataclass(frozen=True)
class FlowConfig:
    clients: tuple[ClientSpec, ...] = ()
    join_functions: tuple[tuple[str, str], ...] = (("urllib.parse.urljoin", "urljoin"),)


@dataclass
class Part:
    value: str
    text: Text | None = None
    lo: int = 0
    literal: ast.expr | None = None  # the literal node the text belongs to
    via: tuple[tuple[Resolution, ast.AST], ...] = ()  # definitions followed to reach this part
    label: str | None = None  # for opaque parts: what the code names there

    def slice(self, k: int) -> Part:
        return Part(self.value[k:], self.text, self.lo + k, self.literal, self.via, self.label)


@dataclass
class UrlSite:
    """One analysed expression with the edits that migrate it (or the reason it cannot)."""

    node: ast.AST
    rule: str  # VNI001 | VNI002 | VNI003 | VNI004
    edits: list[Edit]
    old: str  # joined value before (opaque parts shown as {…})
    new: str
    literals: set[int] = field(default_factory=set)  # ids of literal nodes edited
    remote_refs: list[tuple[Resolution, ast.AST]] = field(default_factory=list)
    proof: str = "proved"
    problem: str | None = None  # why no fix is offered
    env: list[str] = field(default_factory=list)
    docstring: bool = False
    kind: str = "concat"
    client: str | None = None  # constructor of the client whose base this join uses


@dataclass
class FileAnalysis:
    sites: list[UrlSite]
    comment_sites: list[tuple[int, int, str, str]]  # (start, end, old, new) of comments
    unresolved_bases: list[tuple[ast.AST, str]]  # path joined to a name this file cannot resolve
    partial_bases: list[tuple[ast.expr, str]]  # base literal ending inside the old prefix, unused
    resolver: Resolver
    consumed: dict[str, set[int]]  # definition key -> ids of reference nodes used by fixable joins
    client_calls: dict[str, int] = field(default_factory=dict)  # client key -> method calls on it
    # every expression analysed as a URL: its parts and, for a base joined with a path, the two
    # halves; what `migrator.python.idempotency` re-evaluates with the fixed literals' values
    analysed: list[tuple[list[Part], tuple[list[Part], list[Part]] | None]] = field(default_factory=list)

    def fully_consumed(self, key: str) -> bool:
        """Every use of the definition `key` in the file is a join the fix rewrites."""
        used = len(self.consumed.get(key, ()))
        if key.startswith("client:"):
            return used >= self.client_calls.get(key, 1 << 30)
        return used >= self.resolver.reference_sites(key)


_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Convert `ast` (line, UTF-8 byte column) positions to character offsets and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        # an array, not a list of ints: a run keeps one index per file it reads (a tenth the memory)
        if "\r" in text:
            self.starts = array("q", [0])
            self.starts.extend(match.end() for match in _NEWLINE.finditer(text))
        else:  # only "\n" ends a line
            self.starts = array("q", line_starts(text))

    def offset(self, line: int, col_bytes: int) -> int:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        chunk = self.text[start:end]
        if chunk.isascii():
            return start + col_bytes
        return start + len(chunk.encode("utf-8")[:col_bytes].decode("utf-8", "replace"))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based character column of a character offset."""
        lo = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return lo + 1, offset - self.starts[lo] + 1

    def node_span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.offset(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )


_ROOT_TYPES = frozenset({ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call})  # the only kinds `_is_string_root` accepts
_ADD_MOD = frozenset({ast.Add, ast.Mod})
_WITHS = frozenset({ast.With, ast.AsyncWith})
_BODIES = frozenset({ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef})


_Constant = ast.Constant


def _is_str_constant(node: ast.AST) -> bool:
    # ast classes are never subclassed; a constant's value is an exact str (never a subclass)
    return type(node) is _Constant and type(node.value) is str  # type: ignore[attr-defined]


class _Analyzer:
    def __init__(
        self, text: str, tree: ast.Module, config: FlowConfig, resolver: Resolver | None = None, origins: dict[int, Origin] | None = None,
        index: LineIndex | None = None,
    ) -> None:
        self.text = text
        self.tree = tree
        self.config = config
        self.index = index if index is not None and index.text is text else LineIndex(text)
        self.resolver = resolver or Resolver(tree)
        self.origins = origins if origins is not None else {}  # id(node) -> other module's text
        self.piece_cache: dict[int, list[Piece] | None] = {}
        self.standalone: dict[int, set[Edit]] = {}
        self.sites: list[UrlSite] = []
        self.unresolved: list[tuple[ast.AST, str]] = []
        self.literal_spans: list[tuple[int, int]] = []
        self.with_bindings: dict[str, ast.expr] = {}
        self.docstrings: set[int] = set()
        self.partial_candidates: list[tuple[ast.expr, str]] = []
        self.analysed: list[tuple[list[Part], tuple[list[Part], list[Part]] | None]] = []
        self.remote_edited: set[int] = set()
        # Literals whose rewrite cannot be proved exact at some use: literal id -> why. A site that
        # edits one of them is reported instead of fixed (see `block_unprovable`).
        self.blocked: dict[int, str] = {}
        self.client_keys: set[str] = set()
        # a request on a client is one of its methods: other attribute calls need no look at the receiver
        self.client_methods = frozenset(method for spec in config.clients for method in spec.methods)
        self._client_target: str | None = None
        self._client_spec: str | None = None
        self._current_client: str | None = None
        for node in self.resolver.nodes:
            kind = type(node)  # ast classes are never subclassed: a set lookup is exact
            if kind in _WITHS:
                for item in node.items:  # type: ignore[attr-defined]
                    if isinstance(item.optional_vars, ast.Name):
                        self.with_bindings[item.optional_vars.id] = item.context_expr
            elif kind in _BODIES:
                for stmt in node.body:  # type: ignore[attr-defined]
                    if isinstance(stmt, ast.Expr) and _is_str_constant(stmt.value):
                        self.docstrings.add(id(stmt.value))

    # -- literals ------------------------------------------------------------------------------
    def pieces(self, node: ast.expr) -> list[Piece] | None:
        key = id(node)
        if key not in self.piece_cache:
            origin = self.origins.get(key)
            if origin is None:
                start, end = self.index.node_span(node)
                self.literal_spans.append((start, end))
                pieces = literal_pieces(self.text, start, end)
            else:  # a literal of another module, reached through an import
                start, end = origin.index.node_span(node)
                pieces = literal_pieces(origin.text, start, end)
            if pieces is not None and isinstance(node, ast.Constant) and text_value(pieces) != node.value:
                pieces = None  # the source map must reproduce ast's value exactly, or no edit
            if pieces is not None and isinstance(node, ast.JoinedStr):
                fields = [p for p in pieces if isinstance(p, Field)]
                values = [v for v in node.values if isinstance(v, ast.FormattedValue)]
                if len(fields) != len(values):
                    pieces = None
            self.piece_cache[key] = pieces
        return self.piece_cache[key]

    # -- flattening ----------------------------------------------------------------------------
    def flatten(self, node: ast.expr, via: tuple = (), depth: int = 0) -> list[Part] | None:
        """Parts of a string expression, or None if `node` is not a string expression at all."""
        if depth > 12:
            return [Part(OPAQUE, label=dotted_name(node) or None)]
        if _is_str_constant(node):
            pieces = self.pieces(node)
            if pieces is None:
                return [Part(OPAQUE)]
            return [Part(p.value, p, 0, node, via) for p in pieces if isinstance(p, Text)] or [Part("", None, 0, node, via)]
        if isinstance(node, ast.JoinedStr):
            pieces = self.pieces(node)
            if pieces is None:
                return [Part(OPAQUE)]
            values = iter(v for v in node.values if isinstance(v, ast.FormattedValue))
            parts: list[Part] = []
            for piece in pieces:
                if isinstance(piece, Text):
                    parts.append(Part(piece.value, piece, 0, node, via))
                else:
                    formatted = next(values)
                    if formatted.format_spec is not None or formatted.conversion != -1:
                        self._block(formatted.value, "it is formatted with a width, precision or conversion spec", formatted)
                    inner = self.flatten(formatted.value, via, depth + 1) if piece.simple else None
                    parts.extend(inner or [Part(OPAQUE, label=dotted_name(formatted.value) or None)])
            return parts
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.flatten(node.left, via, depth + 1)
            right = self.flatten(node.right, via, depth + 1)
            if left is None and right is None:
                return None
            return (left or [Part(OPAQUE, label=dotted_name(node.left) or None)]) + (
                right or [Part(OPAQUE, label=dotted_name(node.right) or None)]
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_str_constant(node.left):
            args = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            return self._template(node.left, args, {}, "%", via, depth)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and _is_str_constant(node.func.value)
        ):
            kwargs = {kw.arg: kw.value for kw in node.keywords if kw.arg}
            return self._template(node.func.value, list(node.args), kwargs, "{}", via, depth)
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
            resolved = self.resolver.resolve(node)
            if resolved is not None and not any(r.key == resolved.key for r, _ in via):
                inner = self.flatten(resolved.expr, via + ((resolved, node),), depth + 1)
                if inner is not None:
                    return inner
            return None
        return None

    def _template(self, template: ast.expr, args: list[ast.expr], kwargs: dict[str, ast.expr], style: str, via: tuple, depth: int) -> list[Part] | None:
        pieces = self.pieces(template)
        if pieces is None or len(pieces) != 1 or not isinstance(pieces[0], Text):
            return [Part(OPAQUE)]
        text = pieces[0]
        value = text.value
        pattern = (r"%%|%s|%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z]|%[^%s]" if style == "%"
                   else r"\{\{|\}\}|\{([^{}]*)\}")
        parts: list[Part] = []
        pos = 0
        auto = 0
        for match in re.finditer(pattern, value):
            token = match.group()
            if token in ("%%", "{{", "}}"):
                parts.append(Part(value[pos : match.start()], text, pos, template, via))
                parts.append(Part(token[0]))  # literal char, not editable here
                pos = match.end()
                continue
            parts.append(Part(value[pos : match.start()], text, pos, template, via))
            pos = match.end()
            arg: ast.expr | None = None
            if style == "%":
                if token == "%s" and auto < len(args):
                    arg = args[auto]
                auto += 1
            else:
                name = re.split(r"[:!]", match.group(1) or "", maxsplit=1)[0]
                if name == "":
                    arg = args[auto] if auto < len(args) else None
                    auto += 1
                elif name.isdigit():
                    arg = args[int(name)] if int(name) < len(args) else None
                elif name.isidentifier():
                    arg = kwargs.get(name)
            if style == "%" and token != "%s":
                arg = args[auto - 1] if token[-1:] in "sra" and 0 < auto <= len(args) else None
                if arg is not None:
                    self._block(arg, f"it is formatted with {token}", template)
                arg = None
            elif style == "{}" and match.group(1) and (":" in match.group(1) or "!" in match.group(1)):
                if arg is not None:
                    self._block(arg, f"it is formatted with {{{match.group(1)}}}", template)
                arg = None
            inner = self.flatten(arg, via, depth + 1) if arg is not None else None
            parts.extend(inner or [Part(OPAQUE, label=dotted_name(arg) if arg is not None else None)])
        parts.append(Part(value[pos:], text, pos, template, via))
        return parts

    def _block(self, expr: ast.expr, why: str, at: ast.AST) -> None:
        """The literals `expr` is built from cannot be rewritten safely: `why` (at `at`'s line)."""
        parts = self.flatten(expr) or []
        line = getattr(at, "lineno", 0)
        for part in parts:
            if part.literal is not None and "visma" in part.value.lower():
                self.blocked.setdefault(id(part.literal), f"{why} at line {line}, so the rewrite would change more than the URL")

    # -- joins ---------------------------------------------------------------------------------
    def structured_join(self, node: ast.Call) -> tuple[str, ast.expr, ast.expr] | None:
        """(kind, base, path) for urljoin(...) and requests on clients created with a base URL."""
        self._client_target = None
        name = dotted_name(node.func)
        qualified = self.resolver.qualify(name) if name else ""
        for function, kind in self.config.join_functions:
            matches = qualified == function or (name and function.endswith("." + name) and name in self.resolver.imports)
            if matches and len(node.args) >= 2:
                return kind, node.args[0], node.args[1]
        if isinstance(node.func, ast.Attribute) and node.func.attr in self.client_methods:
            client = self._client_call(node.func.value)
            if client is not None:
                spec, base = client
                self._client_target = dotted_name(node.func.value) or None
                self._client_spec = spec.constructor
                if node.func.attr in spec.methods:
                    position = 1 if node.func.attr in ("request", "stream") else spec.url_position
                    url = node.args[position] if len(node.args) > position else None
                    for kw in node.keywords:
                        if kw.arg == "url":
                            url = kw.value
                    if url is not None:
                        return spec.join, base, url
        return None

    def _client_call(self, target: ast.expr) -> tuple[ClientSpec, ast.expr] | None:
        call: ast.expr | None = None
        if isinstance(target, ast.Call):
            call = target
        elif isinstance(target, ast.Name) and target.id in self.with_bindings:
            call = self.with_bindings[target.id]
        else:
            resolved = self.resolver.resolve(target)
            call = resolved.expr if resolved else None
        if not isinstance(call, ast.Call):
            return None
        qualified = self.resolver.qualify(dotted_name(call.func))
        for spec in self.config.clients:
            if qualified == spec.constructor or qualified.endswith("." + spec.constructor.rsplit(".", 1)[-1]) and spec.constructor.endswith(qualified):
                for kw in call.keywords:
                    if kw.arg == spec.base_argument:
                        return spec, kw.value
                if spec.join == "urljoin" and call.args:
                    return spec, call.args[0]
        return None

    # -- traversal -----------------------------------------------------------------------------
    def run(self) -> None:
        self._visit(self.tree)

    def _visit(self, node: ast.AST) -> None:
        stack = [node]
        children = self.resolver.children
        Call, is_root = ast.Call, self._is_string_root
        while stack:
            current = stack.pop()
            kind = type(current)
            if kind is Call:
                join = self.structured_join(current)  # type: ignore[arg-type]
                if join is not None:
                    self._analyse_structured(current, *join)  # type: ignore[arg-type]
                    stack.extend(a for a in current.args if a is not join[2])  # type: ignore[attr-defined]
                    stack.extend(kw.value for kw in current.keywords if kw.value is not join[2])  # type: ignore[attr-defined]
                    stack.append(current.func)  # type: ignore[attr-defined]
                    continue
            if kind is _Constant and type(current.value) is str and "visma.net" not in current.value.lower():  # type: ignore[attr-defined]
                # A plain string that names no Visma host is no URL site (`_analyse` stops at that
                # test): only where it stands is kept, so comments are looked for outside it.
                self.literal_spans.append(self.index.node_span(current))
                continue
            if kind in _ROOT_TYPES and is_root(current):  # type: ignore[arg-type]
                parts = self.flatten(current)  # type: ignore[arg-type]
                if parts is not None:
                    self._analyse(current, parts, "concat")
                    stack.extend(self._opaque_children(current))  # type: ignore[arg-type]
                    continue
            stack.extend(children(current))

    @staticmethod
    def _is_string_root(node: ast.expr) -> bool:
        kind = type(node)
        if kind is _Constant:
            return type(node.value) is str  # type: ignore[attr-defined]
        if kind is ast.JoinedStr:
            return True
        if kind is ast.BinOp:
            return type(node.op) in _ADD_MOD  # type: ignore[attr-defined]
        return (
            kind is ast.Call
            and isinstance(node.func, ast.Attribute)  # type: ignore[attr-defined]
            and node.func.attr == "format"  # type: ignore[attr-defined]
            and _is_str_constant(node.func.value)  # type: ignore[attr-defined]
        )

    def _opaque_children(self, node: ast.expr) -> list[ast.AST]:
        """Sub-expressions of a string expression that are not string structure (call args...)."""
        if _is_str_constant(node):
            return []
        if isinstance(node, ast.JoinedStr):  # fields that are not strings themselves (calls, lookups)
            return [v.value for v in node.values if isinstance(v, ast.FormattedValue) and not self._is_string_root(v.value)]
        if isinstance(node, ast.BinOp):
            out: list[ast.AST] = []
            for side in (node.left, node.right):
                if self._is_string_root(side):
                    out.extend(self._opaque_children(side))
                elif not isinstance(side, (ast.Name, ast.Attribute)):
                    out.append(side)
            return out
        if isinstance(node, ast.Call):
            return [*node.args, *(kw.value for kw in node.keywords)]
        return []

    # -- analysis ------------------------------------------------------------------------------
    def _analyse_structured(self, call: ast.Call, kind: str, base: ast.expr, path: ast.expr) -> None:
        via: tuple = ()
        if self._client_target and isinstance(call.func, ast.Attribute):
            key = f"client:{self._client_target}"
            via = ((Resolution(base, key, f"the client {self._client_target}", "proved"), call),)
            self.client_keys.add(key)
        self._current_client = self._client_spec if self._client_target else None
        self._client_target = None
        base_parts = self.flatten(base, via) or [Part(OPAQUE, label=dotted_name(base) or None)]
        path_parts = self.flatten(path) or [Part(OPAQUE, label=dotted_name(path) or None)]
        if path_parts and all(p.value == OPAQUE for p in path_parts):
            return
        base_value = "".join(p.value for p in base_parts)
        path_value = "".join(p.value for p in path_parts)
        if re.match(r"^[a-z][a-z0-9+.-]*://", path_value, re.IGNORECASE):
            self._analyse(path, path_parts, "concat")  # absolute URL: the base plays no part
            return
        if kind == "httpx":
            glue: list[Part] = [] if base_value.endswith("/") else [Part("/")]
            skip = len(path_value) - len(path_value.lstrip("/"))
            trimmed = _drop_prefix(path_parts, skip)
            self._analyse(call, base_parts + glue + trimmed, kind, split=(base_parts, path_parts))
        else:
            self._analyse(call, base_parts + path_parts, kind, split=(base_parts, path_parts))

    def _analyse(self, node: ast.AST, parts: list[Part], kind: str, split: tuple[list[Part], list[Part]] | None = None) -> None:  # noqa: C901 - the URL analysis; its split is separate work
        self.analysed.append((parts, split))
        placeholders = _with_placeholders(parts)
        joined = "".join(placeholders)
        if "visma.net" not in joined.lower():
            self._check_unresolved_path(node, parts)
            return
        if urls.is_foreign(joined) and not urls.OLD_HOST_RE.search(joined):
            return
        url_edits = urls.url_edits(joined)
        if not url_edits:
            if urls.RETIRED_RE.search(joined):  # a retired endpoint: the retired-endpoint rule reports it, not as a partial base
                self.remote_edited.update(id(p.literal) for p in parts if p.literal is not None)
                line = getattr(node, "lineno", 0)
                for part in parts:
                    if part.literal is not None and len({p.literal for p in parts if p.literal is not None}) > 1:
                        # a base shared with a retired endpoint: moving it would move that call too
                        self.blocked.setdefault(id(part.literal), (
                            f"it also builds the retired endpoint {_display(parts)} at line {line}; moving it would send "
                            "that call to the new host, where it does not exist: rework that call first"))
                return
            self._note_partial_base(node, parts, joined)
            return
        bounds = []
        pos = 0
        for value in placeholders:
            bounds.append((pos, pos + len(value)))
            pos += len(value)
        per_part: dict[int, list[tuple[int, int, str]]] = {}
        problem: str | None = None
        for edit in url_edits:
            placed = None
            fallback = None
            for positions in _candidate_positions(joined, edit, bounds):
                candidate = _place(positions, edit.replacement, bounds, parts)
                if candidate is None:
                    continue
                if _agrees(candidate, parts):
                    placed = candidate
                    break
                fallback = fallback or candidate
            placed = placed or fallback
            if placed is None:
                problem = "part of the URL is not a literal the tool can edit"
                break
            for index, local in placed:
                per_part.setdefault(index, []).append(local)
        rules = {e.rule for e in url_edits}
        old_display = _display(parts)
        new_values = [p.value for p in parts]
        for index, local_edits in per_part.items():
            value = parts[index].value
            for lo, hi, repl in sorted(local_edits, reverse=True):
                value = value[:lo] + repl + value[hi:]
            new_values[index] = value
        new_display = urls.migrate_url(old_display)
        if problem is None:
            problem = self._verify(kind, parts, new_values, split)
        edits: list[Edit] = []
        literals: set[int] = set()
        remote: list[tuple[Resolution, ast.AST]] = []
        envs: list[str] = []
        proof = "proved"
        if problem is None:
            for index, local_edits in per_part.items():
                part = parts[index]
                assert part.text is not None and part.literal is not None
                for lo, hi, repl in local_edits:
                    span = source_span(part.text, part.lo + lo, part.lo + hi)
                    if span is None:
                        problem = "the URL is written with escape sequences"
                        break
                    if part.text.fstring:
                        repl = repl.replace("{", "{{").replace("}", "}}")
                    origin = self.origins.get(id(part.literal))
                    edits.append(Edit(span[0], span[1], repl) if origin is None else ForeignEdit(span[0], span[1], repl, origin.file))
                literals.add(id(part.literal))
                for resolution, ref in part.via:
                    remote.append((resolution, ref))
                    if resolution.proof != "proved":
                        proof = "inferred"
                    if resolution.env:
                        envs.append(resolution.env)
        is_doc = id(node) in self.docstrings
        remote_edits = [e for e in edits if self._is_remote_edit(e, parts, per_part)]
        local_edits_only = [e for e in edits if e not in remote_edits]
        if problem is None and remote_edits:
            covered = all(e in self.standalone.get(_literal_of(e, parts, per_part), set()) for e in remote_edits)
            if covered and len(literals) == 1 and not local_edits_only:
                return  # the definition's own finding fixes it
        if problem is None and len(literals) == 1 and not remote:
            (only,) = literals
            self.standalone[only] = set(edits)
        rule = "VNI004" if is_doc else ("VNI002" if (len(literals) > 1 or remote) else ("VNI001" if "VNI001" in rules else "VNI003"))
        if problem is None:
            self.remote_edited.update(literals)
        self.sites.append(
            UrlSite(
                node, rule, edits if problem is None else [], old_display, new_display, literals, remote, proof, problem, envs, is_doc, kind,
                self._current_client if kind != "concat" else None,
            )
        )

    def block_unprovable(self) -> None:
        """Sites that edit a blocked literal are reported with the reason instead of fixed."""
        if not self.blocked:
            return
        for site in self.sites:
            reason = next((self.blocked[i] for i in site.literals if i in self.blocked), None)
            if reason is not None and site.edits:
                site.edits = []
                site.problem = reason

    def _is_remote_edit(self, edit: Edit, parts: list[Part], per_part: dict[int, list[tuple[int, int, str]]]) -> bool:
        for index in per_part:
            part = parts[index]
            if part.via and part.text is not None and part.text.offsets[0] <= edit.start <= part.text.offsets[-1]:
                return True
        return False

    def _verify(self, kind: str, parts: list[Part], new_values: list[str], split: tuple[list[Part], list[Part]] | None) -> str | None:
        """Re-evaluate the join with its real semantics; None when the result is the mapped URL."""
        if split is None:
            old = "".join(_with_placeholders(parts))
            new = "".join(_with_placeholders([Part(v) if p.value != OPAQUE else p for v, p in zip(new_values, parts)]))
            return None if new == urls.migrate_url(old) else "the rewritten pieces do not join to the new URL"
        base_parts, path_parts = split
        mapping = {id(p): v for p, v in zip(parts, new_values)}
        def value_of(seq: list[Part], new: bool) -> str:
            out = []
            for i, p in enumerate(seq):
                if p.value == OPAQUE:
                    out.append(f"\ue000{i}\ue001")
                    continue
                out.append(p.value)
            return "".join(out)
        old_base, old_path = value_of(base_parts, False), value_of(path_parts, False)
        # the new path: recompute from the trimmed parts that were edited
        new_base_parts = [Part(mapping.get(id(p), p.value)) if p.value != OPAQUE else p for p in base_parts]
        new_base = value_of(new_base_parts, True)
        trimmed_ids = {id(p): i for i, p in enumerate(parts)}
        new_path_list = []
        for i, p in enumerate(path_parts):
            if p.value == OPAQUE:
                new_path_list.append(f"\ue000{i}\ue001")
                continue
            edited = None
            for q in parts:
                if q.text is p.text and q.literal is p.literal and q.text is not None and id(q) in trimmed_ids and q.lo >= p.lo and q.lo <= p.lo + len(p.value) and q.value == p.value[q.lo - p.lo :]:
                    edited = p.value[: q.lo - p.lo] + new_values[trimmed_ids[id(q)]]
            new_path_list.append(edited if edited is not None else p.value)
        new_path = "".join(new_path_list)
        expected = urls.migrate_url(_evaluate(kind, old_base, old_path))
        actual = _evaluate(kind, new_base, new_path)
        return None if actual == expected else f"joining the rewritten base and path with {kind} semantics gives {actual}"

    def _note_partial_base(self, node: ast.AST, parts: list[Part], joined: str) -> None:
        if _host_check(self.resolver.parents, node):
            return  # an allowlist element or a comparison, not a base (VNI034 reports those)
        for i, part in enumerate(parts):
            if part.value == OPAQUE or part.via:
                continue
            end_value = "".join(p.value for p in parts[: i + 1])
            following = parts[i + 1].value if i + 1 < len(parts) else ""
            if urls.PARTIAL_BASE_RE.search(end_value) and (following in ("", OPAQUE)) and urls.OLD_HOST_RE.search(end_value):
                if isinstance(node, ast.expr):
                    self.partial_candidates.append((node, end_value))
                return

    def _check_unresolved_path(self, node: ast.AST, parts: list[Part]) -> None:
        for i, part in enumerate(parts[1:], start=1):
            prev = parts[i - 1]
            if prev.value == OPAQUE and part.value != OPAQUE and re.match(r"^/?(api/)?(service/)?controller/api/", part.value, re.IGNORECASE):
                self.unresolved.append((node, prev.label or "a value"))
                return

    # -- comments ------------------------------------------------------------------------------
    def comment_sites(self) -> list[tuple[int, int, str, str]]:
        hits = [m.start() for m in urls.OLD_HOST_RE.finditer(self.text)]
        spans = _merged(self.literal_spans)
        starts = [start for start, _ in spans]
        outside = [h for h in hits if not _inside(h, spans, starts)]
        if not outside:
            return []
        found: list[tuple[int, int, str, str]] = []
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(self.text).readline))
        except (tokenize.TokenError, SyntaxError):
            return []
        for tok in tokens:
            if tok.type == tokenize.COMMENT and urls.OLD_HOST_RE.search(tok.string):
                new = urls.migrate_url(tok.string)
                start = self.index.starts[tok.start[0] - 1] + tok.start[1]  # tokenize columns count characters
                found.append((start, start + len(tok.string), tok.string, new))
        return found


def _host_check(parents: dict[ast.AST, ast.AST], node: ast.AST) -> bool:
    """True for a string compared with `==`/`in`, held in a set/list/tuple, or given to startswith/endswith."""
    parent = parents.get(node)
    if isinstance(parent, (ast.Set, ast.List, ast.Tuple)):
        node, parent = parent, parents.get(parent)
        if not isinstance(parent, ast.Call) or dotted_name(parent.func) in ("set", "frozenset", "tuple", "list"):
            return True
    if isinstance(parent, ast.Compare):
        return True
    return isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr in ("startswith", "endswith")


def _candidate_positions(joined: str, edit: urls.UrlEdit, bounds: list[tuple[int, int]]) -> list[list[int]]:
    """Sets of positions whose removal (or replacement) gives the same new string, best first.

    Deleting `/API/controller/api` before a `/` equals deleting `API/controller/api/`; choosing
    the shifted form keeps a base's trailing slash, and swapping a `/` that the join itself adds
    (httpx adds one after a base) for the `/` that follows keeps that glue out of the edit.
    """
    a, b = edit.start, edit.end
    plain = list(range(a, b))
    if edit.replacement or b >= len(joined) or joined[a : a + 1] != "/" or joined[b : b + 1] != "/":
        return [plain]
    shifted = list(range(a + 1, b + 1))
    inner_slash_boundary = any(a < s < b and joined[s - 1] == "/" for s, _ in bounds[1:])
    candidates = [shifted, plain] if inner_slash_boundary else [plain, shifted]
    for base in (plain, shifted):
        slashes = [p for p in base if joined[p] == "/" and p != b]
        for slash in slashes:
            candidates.append(sorted((set(base) - {slash}) | {b}))
    return candidates


def _agrees(runs: list[tuple[int, tuple[int, int, str]]], parts: list[Part]) -> bool:
    """A literal that holds a whole old URL by itself gets its own rewrite (VNI001); a join must
    edit it the same way, or the two fixes would overlap and neither could be applied."""
    for index, (lo, hi, replacement) in runs:
        part = parts[index]
        if part.text is None:
            continue
        own = urls.url_edits(part.text.value)
        if own and (part.lo + lo, part.lo + hi, replacement) not in {(e.start, e.end, e.replacement) for e in own}:
            return False
    return True


def _place(positions: list[int], replacement: str, bounds: list[tuple[int, int]], parts: list[Part]) -> list[tuple[int, tuple[int, int, str]]] | None:
    """Map joined-string positions to (part index, (lo, hi, replacement)) runs; None if not editable."""
    runs: list[tuple[int, tuple[int, int, str]]] = []
    first = True
    for index, (s, e) in enumerate(bounds):
        inside = [p - s for p in positions if s <= p < e]
        if not inside:
            continue
        if parts[index].text is None:
            return None
        start = inside[0]
        prev = start
        for p in inside[1:] + [None]:  # type: ignore[list-item]
            if p is not None and p == prev + 1:
                prev = p
                continue
            runs.append((index, (start, prev + 1, replacement if first else "")))
            first = False
            if p is not None:
                start = prev = p
    return runs


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans (nested literals of f-strings collapse into their parent)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _inside(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, pos) - 1
    return index >= 0 and spans[index][0] <= pos < spans[index][1]


def _literal_of(edit: Edit, parts: list[Part], per_part: dict[int, list[tuple[int, int, str]]]) -> int:
    for index in per_part:
        part = parts[index]
        if part.text is not None and part.text.offsets[0] <= edit.start <= part.text.offsets[-1]:
            return id(part.literal)
    return 0


def _drop_prefix(parts: list[Part], count: int) -> list[Part]:
    out: list[Part] = []
    for part in parts:
        if count <= 0 or part.value == OPAQUE:
            out.append(part)
            count = 0
            continue
        if len(part.value) <= count:
            count -= len(part.value)
            continue
        out.append(part.slice(count))
        count = 0
    return out


def _with_placeholders(parts: list[Part]) -> list[str]:
    return [f"\ue000{i}\ue001" if p.value == OPAQUE else p.value for i, p in enumerate(parts)]


def _display(parts: list[Part]) -> str:
    return "".join("{" + (p.label or "…") + "}" if p.value == OPAQUE else p.value for p in parts)


def _evaluate(kind: str, base: str, path: str) -> str:
    if kind == "urljoin":
        return urllib.parse.urljoin(base, path)
    if kind == "httpx":
        if re.match(r"^[a-z][a-z0-9+.-]*://", path, re.IGNORECASE):
            return path
        return (base if base.endswith("/") else base + "/") + path.lstrip("/")
    return base + path


def analyse(
    text: str,
    tree: ast.Module,
    config: FlowConfig,
    resolver: Resolver | None = None,
    origins: dict[int, Origin] | None = None,
    roots: tuple[tuple[ast.expr, ast.AST], ...] = (),
    traverse: bool = True,
    index: LineIndex | None = None,
) -> FileAnalysis:
    """The URL flow of one file. The project-wide analysis passes a `resolver` that follows imports,
    the `origins` of nodes it brings in from other modules, extra `roots` (expression, node to
    report at) such as a framework's implicit join, and `traverse=False` to analyse only those;
    `index`: the text's line index, when the caller has one."""
    analyzer = _Analyzer(text, tree, config, resolver, origins, index)
    if traverse:
        analyzer.run()
    for expr, anchor in roots:
        join = analyzer.structured_join(expr) if isinstance(expr, ast.Call) else None
        if join is not None and isinstance(expr, ast.Call):
            analyzer._analyse_structured(expr, *join)
            continue
        parts = analyzer.flatten(expr)
        if parts is not None:
            analyzer._analyse(anchor, parts, "concat")
    analyzer.block_unprovable()
    partial = [(n, v) for n, v in analyzer.partial_candidates if id(n) not in analyzer.remote_edited]
    consumed: dict[str, set[int]] = {}
    for site in analyzer.sites:
        if site.edits:
            for resolution, ref in site.remote_refs:
                consumed.setdefault(resolution.key, set()).add(id(ref))
    client_calls: dict[str, int] = {}
    if analyzer.client_keys:
        targets = {key.split(":", 1)[1]: key for key in analyzer.client_keys}
        for node in analyzer.resolver.nodes:
            if isinstance(node, ast.Attribute):
                name = dotted_name(node.value)
                if name in targets:
                    client_calls[targets[name]] = client_calls.get(targets[name], 0) + 1
    return FileAnalysis(
        analyzer.sites, analyzer.comment_sites(), analyzer.unresolved, partial, analyzer.resolver, consumed, client_calls,
        analyzer.analysed,
    )
