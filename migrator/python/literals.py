"""String literals as values with a map back to their source text.

A rewrite edits the *value* of a literal (`"…/API"` loses `/API`); the engine needs the source
characters that produce those value characters, through escapes, implicit concatenation and
f-string fields. `literal_pieces` returns that map; the caller checks the decoded value against
`ast` and refuses to edit a literal whose value it cannot reproduce exactly.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_PREFIX_RE = re.compile(r"[rRbBuUfF]{0,2}")
_ESCAPE_RE = re.compile(
    r"\\(?:\r\n|\n|\r|N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)",
    re.DOTALL,
)


@dataclass
class Text:
    """Literal characters: value[i] is produced by source[offsets[i]:offsets[i+1]] (file offsets)."""

    value: str
    offsets: list[int]  # len(value) + 1 entries
    fstring: bool = False  # inside an f-string: braces in replacements must be doubled


@dataclass
class Field:
    """An f-string replacement field `{expr!r:spec}`; `expr` is its expression source."""

    expr: str
    start: int
    end: int
    simple: bool  # no conversion and no format spec: the value is str(expr)


Piece = Text | Field


class LiteralError(ValueError):
    pass


def _skip_between(src: str, pos: int, end: int) -> int:
    """Skip what may stand between implicitly concatenated literals: space, newlines, comments, `\\`."""
    while pos < end:
        ch = src[pos]
        if ch in " \t\r\n\f()":
            pos += 1
        elif ch == "\\" and src.startswith(("\\\n", "\\\r"), pos):
            pos += 2
        elif ch == "#":
            nl = src.find("\n", pos)
            pos = end if nl < 0 else nl
        else:
            break
    return pos


def _decode_plain(src: str, start: int, end: int, raw: bool) -> Text:
    if raw:
        return Text(src[start:end], list(range(start, end + 1)))
    chars: list[str] = []
    offsets: list[int] = []
    pos = start
    for match in _ESCAPE_RE.finditer(src, start, end):
        for i in range(pos, match.start()):
            chars.append(src[i])
            offsets.append(i)
        esc = match.group()
        try:
            decoded = ast.literal_eval('"' + esc + '"') if esc[1] not in "\r\n" else ""
        except (SyntaxError, ValueError):
            decoded = esc  # unknown escapes keep the backslash
        for ch in decoded:
            chars.append(ch)
            offsets.append(match.start())
        pos = match.end()
    for i in range(pos, end):
        chars.append(src[i])
        offsets.append(i)
    offsets.append(end)
    # Characters produced by one escape share a start offset; an edit boundary inside an escape
    # is impossible to express, which `Text.span` detects.
    return Text("".join(chars), offsets)


def _fstring_pieces(src: str, start: int, end: int, raw: bool) -> list[Piece]:
    pieces: list[Piece] = []
    pos = start
    text_start = start
    while pos < end:
        ch = src[pos]
        if ch in "{}":
            if pos + 1 < end and src[pos + 1] == ch:
                if pos > text_start:
                    pieces.append(_decode_plain(src, text_start, pos, raw))
                pieces.append(Text(ch, [pos, pos + 2], fstring=True))
                pos += 2
                text_start = pos
                continue
            if ch == "}":
                raise LiteralError("single '}' in f-string")
            if pos > text_start:
                pieces.append(_decode_plain(src, text_start, pos, raw))
            field_end, expr, simple = _scan_field(src, pos, end)
            pieces.append(Field(expr, pos, field_end, simple))
            pos = field_end
            text_start = pos
            continue
        if ch == "\\" and not raw:
            pos += 2
            continue
        pos += 1
    if end > text_start:
        pieces.append(_decode_plain(src, text_start, end, raw))
    for piece in pieces:
        if isinstance(piece, Text):
            piece.fstring = True
    return pieces


def _scan_field(src: str, start: int, end: int) -> tuple[int, str, bool]:
    """Return (end offset after '}', expression source, simple?) for the field opening at start."""
    depth = 0
    pos = start + 1
    quote: str | None = None
    expr_end = -1
    while pos < end:
        ch = src[pos]
        if quote:
            if src.startswith(quote, pos):
                pos += len(quote)
                quote = None
                continue
            pos += 1
            continue
        if ch in "'\"":
            quote = src[pos : pos + 3] if src.startswith(ch * 3, pos) else ch
            pos += len(quote)
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]" or (ch == "}" and depth > 0):
            depth -= 1
        elif depth == 0 and ch in "!:" and expr_end < 0 and not src.startswith("!=", pos):
            expr_end = pos
        elif depth == 0 and ch == "}":
            expr_src = src[start + 1 : expr_end if expr_end >= 0 else pos]
            simple = expr_end < 0 and not expr_src.rstrip().endswith("=")
            # nested fields in the spec are possible: count braces until the matching one
            return pos + 1, expr_src, simple
        pos += 1
    raise LiteralError("unterminated f-string field")


def literal_pieces(src: str, start: int, end: int) -> list[Piece] | None:
    """Pieces of the string literal(s) in src[start:end]; None for bytes or unsupported forms."""
    pieces: list[Piece] = []
    pos = start
    while True:
        pos = _skip_between(src, pos, end)
        if pos >= end:
            break
        prefix = _PREFIX_RE.match(src, pos).group()  # type: ignore[union-attr]
        flags = prefix.lower()
        if "b" in flags:
            return None
        qpos = pos + len(prefix)
        if src.startswith(('"""', "'''"), qpos):
            quote = src[qpos : qpos + 3]
        elif qpos < end and src[qpos] in "'\"":
            quote = src[qpos]
        else:
            return None
        body_start = qpos + len(quote)
        scan = body_start
        raw = "r" in flags
        while True:
            close = src.find(quote, scan, end)
            if close < 0:
                return None
            backslashes = 0
            k = close - 1
            while k >= body_start and src[k] == "\\":
                backslashes += 1
                k -= 1
            if backslashes % 2 == 0:
                break
            scan = close + 1
        if "f" in flags:
            try:
                pieces.extend(_fstring_pieces(src, body_start, close, raw))
            except LiteralError:
                return None
        else:
            pieces.append(_decode_plain(src, body_start, close, raw))
        pos = close + len(quote)
    return pieces


def text_value(pieces: list[Piece]) -> str | None:
    """The value of a literal with no fields (None if it has fields)."""
    if any(isinstance(p, Field) for p in pieces):
        return None
    return "".join(p.value for p in pieces if isinstance(p, Text))


def source_span(text: Text, lo: int, hi: int) -> tuple[int, int] | None:
    """Source offsets producing value[lo:hi], or None if the boundary falls inside an escape."""
    if lo > 0 and lo < len(text.value) and text.offsets[lo] == text.offsets[lo - 1]:
        return None
    if hi < len(text.value) and hi > 0 and text.offsets[hi] == text.offsets[hi - 1]:
        return None
    return text.offsets[lo], text.offsets[hi]
