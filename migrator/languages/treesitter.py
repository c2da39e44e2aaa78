"""The shared tree-sitter driver: parse once, flatten string expressions, migrate the URLs they build.

Every maximal string expression (a literal, an interpolated or template string, a concatenation)
is flattened into parts: literal text with its position in the file, escape sequences (matched but
never edited), and opaque values. Names and member accesses are followed to a declaration in the
same file, so `const BASE = "https://integration.visma.net/API"` and `BASE + "/controller/api/v1/x"`
are one URL. The mapping of `migrator.urls` is applied to the joined value and spread back over the
literal text; the rewritten parts must join to exactly the mapped URL before an edit is offered.
"""

from __future__ import annotations

import bisect
import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from migrator import urls
from migrator.findings import Edit
from migrator.languages import LanguageSpec

OPAQUE = "\ue000"
_MAX_DEPTH = 12


class GrammarMissing(Exception):
    """The grammar package (or tree-sitter itself) is not installed."""


def parser_for(spec: LanguageSpec) -> Any:
    """A parser for the language (one per grammar and process). Raises GrammarMissing."""
    return _parser(spec.package, spec.function)


@cache
def _parser(package: str, function: str) -> Any:
    try:
        from tree_sitter import Language, Parser

        module = importlib.import_module(package)
    except ImportError as exc:
        raise GrammarMissing(str(exc)) from None
    return Parser(Language(getattr(module, function)()))


@dataclass
class Part:
    value: str
    start: int | None = None  # character offset of value[0] in the file; None: not editable
    literal: int | None = None  # character offset of the literal the text belongs to
    via: tuple[str, ...] = ()  # declarations followed to reach it
    label: str | None = None  # opaque parts: what the code names there


@dataclass
class Site:
    """One string expression that builds an old, half-migrated or retired VNI URL (or a split path)."""

    start: int
    end: int
    old: str
    new: str
    edits: list[Edit]
    literals: set[int]
    via: set[str]
    maps_to: list[str] = field(default_factory=list)
    problem: str | None = None
    retired: str | None = None  # the joined URL, when it names a retired endpoint
    unresolved: str | None = None  # label of the value an old-prefix path is joined to


@dataclass
class HeaderUse:
    start: int
    end: int
    name: str  # as written
    value: str | None  # joined value of the header's value, when it is a string expression
    text_start: int | None  # offset of the literal's text, when it is plain text


@dataclass
class Analysis:
    sites: list[Site]
    headers: list[HeaderUse]
    partial_bases: list[tuple[int, int, str, str]]  # (start, end, value, declaration) never joined
    references: dict[str, int]  # declaration -> references in the file
    constants: set[str]  # declarations that cannot be reassigned


class _Offsets:
    """tree-sitter byte offsets to character offsets of the decoded text."""

    def __init__(self, text: str) -> None:
        self.ascii = text.isascii()
        if not self.ascii:
            self.starts: list[int] = []
            pos = 0
            for ch in text:
                self.starts.append(pos)
                pos += len(ch.encode("utf-8"))
            self.starts.append(pos)

    def char(self, byte: int) -> int:
        return byte if self.ascii else bisect.bisect_left(self.starts, byte)


# Assignments to an existing name, in the grammars' words (JS/TS/C#/Java/PHP, Go).
_ASSIGNMENTS = frozenset({"assignment_expression", "assignment_statement", "augmented_assignment_expression"})

HEADER_NAMES = ("ipp-company-id", "ipp-application-type", "erp-api-background", "erp_api_background")


class _Analyzer:
    def __init__(self, spec: LanguageSpec, text: str) -> None:
        self.spec = spec
        self.text = text
        self.offsets = _Offsets(text)
        self.tree = parser_for(spec).parse(text.encode("utf-8"))
        self.declarations: dict[str, Any] = {}
        self.constants: set[str] = set()
        self.ambiguous: set[str] = set()
        self.references: dict[str, int] = {}
        self.declared_at: set[int] = set()
        if spec.declarations is not None:
            for name_node, value, constant in spec.declarations(self.tree.root_node, self.node_text):
                name = self.node_text(name_node).strip("'\"$")
                self.declared_at.add(name_node.start_byte)
                if name in self.declarations:
                    self.ambiguous.add(name)
                self.declarations[name] = value
                if constant:
                    self.constants.add(name)
        self._reassigned()
        self.sites: list[Site] = []
        self.headers: list[HeaderUse] = []
        self.standalone: dict[int, set[Edit]] = {}
        self.partial: list[tuple[int, int, str, str]] = []
        self.edited_literals: set[int] = set()

    def _reassigned(self) -> None:
        """A name assigned again after its declaration (`let base = ...; base = other`) holds more
        than one value: it is never followed, so no join through it is proved."""
        if not self.declarations:
            return
        stack = [self.tree.root_node]
        while stack:
            node = stack.pop()
            if node.type in _ASSIGNMENTS:
                left = node.child_by_field_name("left") or (node.named_children[0] if node.named_children else None)
                if left is not None and left.type == "expression_list" and left.named_child_count == 1:
                    left = left.named_children[0]
                name = self.reference_name(left) if left is not None else None
                if name is not None and name in self.declarations:
                    self.ambiguous.add(name)
            stack.extend(node.children)

    # -- helpers -------------------------------------------------------------------------------
    def node_text(self, node: Any) -> str:
        return self.text[self.offsets.char(node.start_byte) : self.offsets.char(node.end_byte)]

    def span(self, node: Any) -> tuple[int, int]:
        return self.offsets.char(node.start_byte), self.offsets.char(node.end_byte)

    def is_concat(self, node: Any) -> bool:
        if node.type != self.spec.binary:
            return False
        operator = node.child_by_field_name("operator")
        if operator is None:
            operator = next((c for c in node.children if not c.is_named), None)
        return operator is not None and self.node_text(operator) == self.spec.concat_operator

    def reference_name(self, node: Any) -> str | None:
        if node.type in self.spec.names:
            return self.node_text(node).lstrip("$")
        field_name = self.spec.members.get(node.type)
        if field_name is not None:
            member = node.child_by_field_name(field_name) if field_name else (node.named_children or [None])[-1]
            if member is not None:
                return self.node_text(member).lstrip("$")
        return None

    # -- flattening ----------------------------------------------------------------------------
    def flatten(self, node: Any, via: tuple[str, ...] = (), depth: int = 0) -> list[Part] | None:
        """Parts of a string expression, or None when `node` is no string expression."""
        if depth > _MAX_DEPTH:
            return [Part(OPAQUE)]
        if node.type in self.spec.parentheses and node.named_child_count == 1:
            return self.flatten(node.named_children[0], via, depth + 1)
        if node.type in self.spec.literals:
            return self.literal_parts(node, via, depth)
        if self.is_concat(node):
            left = node.child_by_field_name("left") or node.named_children[0]
            right = node.child_by_field_name("right") or node.named_children[-1]
            lparts = self.flatten(left, via, depth + 1)
            rparts = self.flatten(right, via, depth + 1)
            if lparts is None and rparts is None:
                return None
            return (lparts or [Part(OPAQUE, label=self.node_text(left)[:60])]) + (
                rparts or [Part(OPAQUE, label=self.node_text(right)[:60])]
            )
        name = self.reference_name(node)
        if name is not None and name in self.declarations and name not in self.ambiguous and name not in via:
            return self.flatten(self.declarations[name], via + (name,), depth + 1)
        return None

    def literal_parts(self, node: Any, via: tuple[str, ...], depth: int) -> list[Part]:
        spec = self.spec
        start, end = self.span(node)
        literal = start
        if node.child_count == 0 or node.type in spec.leaf_quotes:
            opening, closing = spec.leaf_quotes.get(node.type, (1, 1))
            body = self.text[start + opening : end - closing]
            return [Part(body, start + opening, literal, via)]
        body_types = spec.content | spec.escapes | spec.interpolations | spec.braces
        children = list(node.children)
        first = 0
        while first < len(children) and children[first].type not in body_types:
            first += 1
        last = len(children)
        while last > first and children[last - 1].type not in body_types:
            last -= 1
        if first == len(children):  # empty literal: the text between the delimiters
            inner_start = self.offsets.char(children[0].end_byte) if children else start
            inner_end = self.offsets.char(children[-1].start_byte) if len(children) > 1 else inner_start
            return [Part(self.text[inner_start:inner_end], inner_start, literal, via)]
        parts: list[Part] = []
        pos = self.offsets.char(children[first - 1].end_byte) if first > 0 else start
        for child in children[first:last]:
            child_start, child_end = self.span(child)
            if child_start > pos:
                parts.append(Part(self.text[pos:child_start], pos, literal, via))
            if child.type in spec.escapes:
                parts.append(Part(_decode_escape(self.node_text(child)), None, literal, via))
            elif child.type in spec.interpolations:
                inner = [c for c in child.named_children if c.type not in spec.braces]
                expr = inner[0] if len(inner) == 1 else (child if not inner else None)
                flat = self.flatten(expr, via, depth + 1) if expr is not None else None
                parts.extend(flat or [Part(OPAQUE, label=self.node_text(child).strip("{}$ ")[:60])])
            elif child.type in spec.braces:
                pass
            else:
                parts.append(Part(self.node_text(child), child_start, literal, via))
            pos = child_end
        stop = self.offsets.char(children[last].start_byte) if last < len(children) else end
        if stop > pos:
            parts.append(Part(self.text[pos:stop], pos, literal, via))
        return parts

    # -- traversal -----------------------------------------------------------------------------
    def run(self) -> None:
        stack = [self.tree.root_node]
        while stack:
            node = stack.pop()
            if node.type in self.spec.names or node.type in self.spec.members:
                name = self.reference_name(node)
                if name is not None and name in self.declarations:
                    if node.start_byte not in self.declared_at:
                        self.references[name] = self.references.get(name, 0) + 1
                    continue
            if node.type in self.spec.literals or self.is_concat(node):
                parts = self.flatten(node)
                if parts is not None:
                    self.analyse(node, parts)
                    if node.type in self.spec.literals:
                        self.header(node, parts)
                    stack.extend(self._embedded(node))
                    continue
            stack.extend(reversed(node.children))

    def _embedded(self, node: Any) -> list[Any]:
        """Nodes inside a string expression that are not string structure (calls in interpolations...)."""
        out = []
        stack = list(node.children)
        while stack:
            child = stack.pop()
            if child.type in self.spec.literals or self.is_concat(child) or child.type in self.spec.interpolations or child.type in self.spec.parentheses:
                stack.extend(child.children)
            elif child.type in self.spec.names or child.type in self.spec.members:
                name = self.reference_name(child)
                if name is not None and name in self.declarations:
                    self.references[name] = self.references.get(name, 0) + 1
                elif child.type in self.spec.members:
                    out.append(child)
            elif child.is_named and child.type not in self.spec.content | self.spec.escapes | self.spec.braces:
                out.append(child)
        return out

    # -- analysis ------------------------------------------------------------------------------
    def analyse(self, node: Any, parts: list[Part]) -> None:
        joined = "".join(p.value for p in parts)
        start, end = self.span(node)
        lowered = joined.lower()
        if "visma.net" not in lowered:
            self._unresolved(start, end, parts)
            return
        if urls.is_foreign(joined) and not urls.OLD_HOST_RE.search(joined):
            return
        if urls.RETIRED_RE.search(joined):
            self.sites.append(Site(start, end, _display(parts), joined, [], set(), set(), retired=_display(parts)))
            return
        wanted = urls.url_edits(joined)
        if not wanted:
            if urls.OLD_HOST_RE.search(joined) and urls.PARTIAL_BASE_RE.search(joined) and all(p.value != OPAQUE for p in parts):
                self.partial.append((start, end, joined, ""))
            return
        new_joined = urls.apply_url_edits(joined, wanted)
        bounds = []
        pos = 0
        for part in parts:
            bounds.append((pos, pos + len(part.value)))
            pos += len(part.value)
        edits: list[Edit] = []
        problem = None
        for edit in wanted:
            placed = None
            for positions in _candidates(joined, edit, bounds):
                placed = _place(positions, edit.replacement, bounds, parts)
                if placed is not None:
                    break
            if placed is None:
                problem = "part of the URL is not literal text the tool can edit (an escape sequence or a value)"
                break
            edits.extend(placed)
        literals = {p.literal for p in parts if p.literal is not None}
        touched = {p.literal for p in parts for e in edits if p.start is not None and p.start <= e.start <= p.start + len(p.value) and p.literal is not None}
        via = {name for p in parts if p.via and p.literal in touched for name in p.via}
        if problem is None:
            check = _apply_parts(parts, edits)
            if check != new_joined:
                problem = f"the rewritten pieces would join to {check}"
        site = Site(start, end, _display(parts), _display_new(parts, new_joined), [] if problem else edits, touched if not problem else literals, via,
                    sorted({e.rule for e in wanted}), problem)
        if problem is None and len(touched) == 1 and not via:
            self.standalone[next(iter(touched))] = set(edits)
        if problem is None and via and len(touched) == 1:
            (only,) = touched
            if self.standalone.get(only) == set(edits):
                return  # the declaration's own finding fixes it
        if problem is None:
            self.edited_literals.update(touched)
        self.sites.append(site)

    def _unresolved(self, start: int, end: int, parts: list[Part]) -> None:
        for i in range(1, len(parts)):
            prev, part = parts[i - 1], parts[i]
            if prev.value == OPAQUE and part.value != OPAQUE and re.match(r"^/?(api/)?(service/)?controller/api/", part.value, re.IGNORECASE):
                self.sites.append(Site(start, end, _display(parts), _display(parts), [], set(), set(), unresolved=prev.label or "a value"))
                return

    def header(self, node: Any, parts: list[Part]) -> None:
        if len(parts) != 1 or parts[0].start is None:
            return
        name = parts[0].value
        if name.lower() not in HEADER_NAMES:
            return
        start, end = self.span(node)
        value_node = _following_value(node)
        value = None
        if value_node is not None:
            flat = self.flatten(value_node)
            value = "".join(p.value for p in flat) if flat else None
        self.headers.append(HeaderUse(start, end, name, value, parts[0].start))

    def result(self) -> Analysis:
        partial = []
        joined = {literal for s in self.sites if s.via for literal in s.literals}
        declared_at: dict[int, str] | None = None
        for start, end, value, _ in self.partial:
            if start in self.edited_literals or start in joined:
                continue
            if declared_at is None:
                # Built once: a generated file may hold thousands of partial bases and declarations.
                declared_at = {}
                for name, node in self.declarations.items():
                    declared_at.setdefault(self.span(node)[0], name)
            partial.append((start, end, value, declared_at.get(start, "")))
        return Analysis(self.sites, self.headers, partial, self.references, self.constants)


def _following_value(node: Any) -> Any:
    """The value next to a header name: the next argument, the value of a pair or array element."""
    current = node
    for _ in range(2):
        sibling = current.next_named_sibling
        if sibling is not None:
            if sibling.type == "argument" and sibling.named_child_count:
                return sibling.named_children[-1]
            return sibling
        current = current.parent
        if current is None or current.type not in ("argument", "array_element_initializer"):
            break
    return None


def _decode_escape(escape: str) -> str:
    simple = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\\\": "\\", '\\"': '"', "\\'": "'", "\\/": "/", "\\$": "$", "\\`": "`"}
    return simple.get(escape, "\ufffd")


def _display(parts: list[Part]) -> str:
    return "".join("{…}" if p.value == OPAQUE else p.value for p in parts)


def _display_new(parts: list[Part], new_joined: str) -> str:
    return new_joined.replace(OPAQUE, "{…}")


def _candidates(joined: str, edit: urls.UrlEdit, bounds: list[tuple[int, int]]) -> list[list[int]]:
    """Joined-string positions whose deletion gives the same string, the one keeping a base's slash first."""
    a, b = edit.start, edit.end
    plain = list(range(a, b))
    if edit.replacement or b >= len(joined) or joined[a : a + 1] != "/" or joined[b : b + 1] != "/":
        return [plain]
    shifted = list(range(a + 1, b + 1))
    boundary_after_slash = any(a < s < b + 1 and joined[s - 1] == "/" for s, _ in bounds[1:])
    return [shifted, plain] if boundary_after_slash else [plain, shifted]


def _place(positions: list[int], replacement: str, bounds: list[tuple[int, int]], parts: list[Part]) -> list[Edit] | None:
    edits: list[Edit] = []
    first = True
    for index, (lo, hi) in enumerate(bounds):
        inside = [p - lo for p in positions if lo <= p < hi]
        if not inside:
            continue
        part = parts[index]
        if part.start is None or part.value == OPAQUE or inside != list(range(inside[0], inside[-1] + 1)):
            return None
        edits.append(Edit(part.start + inside[0], part.start + inside[-1] + 1, replacement if first else ""))
        first = False
    return edits if edits and not first else None


def _apply_parts(parts: list[Part], edits: list[Edit]) -> str:
    out = []
    for part in parts:
        value = part.value
        if part.start is not None:
            for edit in sorted(edits, key=lambda e: e.start, reverse=True):
                if part.start <= edit.start and edit.end <= part.start + len(part.value):
                    lo, hi = edit.start - part.start, edit.end - part.start
                    value = value[:lo] + edit.replacement + value[hi:]
        out.append(value)
    return "".join(out)


def analyse(spec: LanguageSpec, text: str) -> Analysis:
    """Every URL site and header use in one file. Raises GrammarMissing when the grammar is absent."""
    analyzer = _Analyzer(spec, text)
    analyzer.run()
    return analyzer.result()
