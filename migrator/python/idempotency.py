"""Whether a second fix pass could change what the URL fixes wrote, decided from the first pass.

Verification runs the fixing rules again on the fixed text and refuses the file if they would
change it again. Where every applied edit is a URL rewrite inside string literals, the second
analysis can be replaced by a proof from the first one:

- the literal edits leave the module's structure as it was (no node, name or line changes), so the
  second analysis meets the same expressions, resolves the same names and flattens them into the
  same parts; only the values of the edited literals differ;
- an expression none of whose parts was edited gives what it gave before: the first pass either
  fixed it (then its literals were edited) or could not (its finding was not applicable, and the
  second pass can only be stricter: fewer joins are consumed, so nothing becomes safer);
- an expression a part of which was edited proposes an edit again only if the URL mapping finds
  something in its new joined value. Those values are rebuilt here from the parts and the edits and
  mapped; any match means "not proved", and the full second pass decides.

Everything this module cannot see (another kind's fix, a LibCST fix, an edit it cannot place in a
part, an edited literal that names something: a dict key or subscript, rules whose URL analysis
would differ on the second pass, a baseline's accepted findings) also means "not proved". Not
proved is never a failure: the caller then verifies the slow way.
"""

from __future__ import annotations

import ast
import bisect

from migrator import urls
from migrator.edits import applicable
from migrator.findings import Edit, Finding
from migrator.kind import kind_of
from migrator.python.context import PythonContext, flow_config_of
from migrator.python.literals import Piece, Text, literal_pieces
from migrator.python.urlflow import OPAQUE, Part, _with_placeholders
from migrator.rulefile import Rule

# The kinds whose edits are URL rewrites of the file's string literals (from `PythonContext.urls`).
URL_KINDS = frozenset({"url-rewrite", "split-prefix"})


def proves_unchanged(ctx: PythonContext, findings: list[Finding], fixed: list[Finding], edits: list[Edit],
                     fixing: list[Rule], unsafe: bool, new_text: str) -> bool:
    """True when `new_text` (`edits` applied to `ctx.text`) is proved to parse and a second pass of
    `fixing` over it is proved to change nothing."""
    if not edits or "urls" not in ctx.__dict__:  # no URL analysis ran: nothing to reason from
        return False
    if ctx.settings.get("baseline") is not None:
        return False  # a baseline accepts findings by their text and count: the second pass decides
    kinds = {rule.id: kind_of(rule) for rule in ctx.rules}
    for rule in fixing:
        kind = kinds.get(rule.id) or kind_of(rule)
        if kind is None:
            return False
        if not kind.per_file or kind.findings is None:
            continue  # a project-wide kind: the second pass over one file does not run it either
        if not (kind.name in URL_KINDS or kind.unchanged_by_url_edits):
            return False
    if flow_config_of(fixing) != ctx.flow_config:  # the second pass would follow other clients or joins
        return False
    fixed_ids = {id(f) for f in fixed}
    for finding in findings:
        if applicable(finding, unsafe) and id(finding) not in fixed_ids:
            return False  # left for another run: the second pass would apply it
    for finding in fixed:
        kind = kinds.get(finding.rule)
        if finding.structural or kind is None or kind.name not in URL_KINDS:
            return False
    return _url_values_settled(ctx, edits, new_text)


def _url_values_settled(ctx: PythonContext, edits: list[Edit], new_text: str) -> bool:
    if any(e.start >= e.end for e in edits):
        return False  # an insertion between two parts: which one it extends is not known here
    analysis = ctx.urls
    starts = [e.start for e in edits]
    placed: set[int] = set()  # indexes of the edits found inside a part
    new_values: dict[int, str] = {}  # id(part) -> its value after the edits
    literals: dict[int, ast.expr] = {}
    for parts, split in analysis.analysed:
        touched = False
        for part in parts if split is None else (*parts, *split[0], *split[1]):
            if id(part) in new_values:
                touched = True
                continue
            value = _new_value(part, edits, starts, placed)
            if value is None:
                return False
            if value is not part.value:
                assert part.literal is not None and part.text is not None
                new_values[id(part)] = value
                literals[id(part.literal)] = part.literal
                touched = True
        if touched and any(urls.url_edits(joined) for joined in _joined_values(parts, split, new_values)):
            return False
    if len(placed) != len(edits):
        return False  # an edit outside every analysed part: not a literal edit this module follows
    parents = analysis.resolver.parents
    shifts = _Shifts(edits)
    for literal in literals.values():
        parent = parents.get(literal)
        if isinstance(parent, ast.Dict) and any(k is literal for k in parent.keys):
            return False  # a key: a lookup may now find another entry
        if isinstance(parent, ast.Subscript) and parent.slice is literal:
            return False
        start, end = ctx.index.node_span(literal)
        pieces = literal_pieces(ctx.text, start, end)
        if pieces is None:
            return False
        texts = [_new_value(Part(p.value, p), edits, starts, set()) for p in pieces if isinstance(p, Text)]
        if any(t is None for t in texts):
            return False
        whole = "".join(t for t in texts if t is not None)
        if isinstance(literal, ast.Constant) and urls.url_edits(whole):
            return False  # a plain string is a URL expression of its own
        if not _parses_as(literal, new_text[shifts.new(start) : shifts.new(end)], whole, pieces):
            return False
    return True


class _Shifts:
    """Where an offset of the old text stands in the new one (no edit crosses it)."""

    def __init__(self, edits: list[Edit]) -> None:
        self.ends = [e.end for e in edits]
        self.deltas = [0]
        for edit in edits:
            self.deltas.append(self.deltas[-1] + len(edit.replacement) - (edit.end - edit.start))

    def new(self, offset: int) -> int:
        return offset + self.deltas[bisect.bisect_right(self.ends, offset)]


def _parses_as(literal: ast.expr, source: str, value: str, pieces: list[Piece]) -> bool:
    """Whether the edited literal's new source is a literal of the same kind with the value the
    rewrite meant. The edits stand inside string literals and the text around them is unchanged, so
    this stands in for parsing the whole file again (the tokens outside are the same) and checks
    more: that no escape took in a character the rewrite brought next to it."""
    try:
        parsed = ast.parse("(" + source + ")", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    if type(parsed) is not type(literal):
        return False
    if isinstance(parsed, ast.Constant):
        return parsed.value == value
    if not isinstance(parsed, ast.JoinedStr):
        return False
    constants = "".join(str(v.value) for v in parsed.values if isinstance(v, ast.Constant))
    fields = sum(1 for v in parsed.values if isinstance(v, ast.FormattedValue))
    return constants == value and fields == sum(1 for p in pieces if not isinstance(p, Text))


def _new_value(part: Part, edits: list[Edit], starts: list[int], placed: set[int]) -> str | None:
    """The part's value after `edits` (the same object when none falls in it), or None when an edit
    crosses its bounds or does not fall on its characters exactly."""
    text = part.text
    if text is None or part.value == OPAQUE:
        return part.value
    lo, hi = part.lo, part.lo + len(part.value)
    first, last = text.offsets[lo], text.offsets[hi]
    i = bisect.bisect_left(starts, first)
    if i > 0 and edits[i - 1].end > first:
        return None  # an edit that starts before the part and reaches into it
    pieces: list[str] = []
    pos = lo
    while i < len(edits) and edits[i].start < last:
        edit = edits[i]
        a = _value_index(text.offsets, edit.start, lo, hi)
        b = _value_index(text.offsets, edit.end, lo, hi) if edit.end <= last else None
        if a is None or b is None:
            return None
        pieces.append(text.value[pos:a])
        pieces.append(edit.replacement.replace("{{", "{").replace("}}", "}") if text.fstring else edit.replacement)
        pos = b
        placed.add(i)
        i += 1
    if not pieces:
        return part.value
    pieces.append(text.value[pos:hi])
    return "".join(pieces)


def _value_index(offsets: list[int], offset: int, lo: int, hi: int) -> int | None:
    k = bisect.bisect_left(offsets, offset, lo, hi + 1)
    if k > hi or offsets[k] != offset or (k < hi and offsets[k + 1] == offset):
        return None  # inside an escape, or between characters one source character produces
    return k


def _joined_values(parts: list[Part], split: tuple[list[Part], list[Part]] | None, new: dict[int, str]) -> list[str]:
    """The values the second analysis would map for this expression (for a base joined with a path,
    every way the join may put them together: each is checked)."""
    def joined(items: list[Part] | tuple[Part, ...]) -> str:
        return "".join(_with_placeholders([Part(new[id(p)]) if id(p) in new else p for p in items]))

    out = [joined(parts)]
    if split is not None:
        base, path = split
        base_value, path_value = joined(base), joined(path)
        out.extend((path_value, base_value + path_value, base_value.rstrip("/") + "/" + path_value.lstrip("/")))
    return out
