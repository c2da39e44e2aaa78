"""ruamel.yaml round-trip loading (keeps `!Ref`-style tags and line/column marks) and style-keeping edits."""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from migrator.allowlist.text_edits import line_end, line_start, newline_of
from migrator.findings import Edit


def load_all(text: str) -> list[Any]:
    yaml = YAML(typ="rt")
    return [doc for doc in yaml.load_all(text) if doc is not None]


def offset(text: str, line0: int, col0: int) -> int:
    """Character offset of a ruamel (0-based line, 0-based column) mark."""
    return line_start(text, line0 + 1) + col0


def append_to_seq(text: str, seq: CommentedSeq, values: list[str]) -> Edit | None:
    """Add scalar items at the end of a YAML sequence, in flow (`[a, b]`) or block (`- a`) style."""
    if not len(seq):
        return None
    last_line, last_col = seq.lc.item(len(seq) - 1)
    start = offset(text, last_line, last_col)
    quote = text[start] if text[start] in "\"'" else ""
    rendered = [f"{quote}{v}{quote}" for v in values]
    if seq.fa.flow_style():
        close = text.find("]", start)
        if close < 0:
            return None
        body_end = close
        while text[body_end - 1] in " \t\r\n":
            body_end -= 1
        trailing_comma = text[body_end - 1] == ","
        return Edit(body_end, body_end, ("" if trailing_comma else ", ") + ", ".join(rendered) + ("," if trailing_comma else ""))
    prefix = text[line_start(text, last_line + 1) : start]  # e.g. "      - "
    if not re.fullmatch(r"\s*-\s*", prefix):
        return None
    nl = newline_of(text)
    at = line_end(text, last_line + 1)
    lead = "" if text[at - 1 : at] == "\n" else nl
    return Edit(at, at, lead + "".join(f"{prefix}{item}{nl}" for item in rendered))


def append_to_scalar(text: str, mapping: CommentedMap, key: str, suffix: str) -> Edit | None:
    """Append `suffix` to the single-line scalar value of mapping[key], inside its quotes if any."""
    line0, col0 = mapping.lc.value(key)
    start = offset(text, line0, col0)
    end_of_line = line_end(text, line0 + 1)
    segment = text[start:end_of_line].rstrip("\r\n")
    if segment[:1] in "\"'":
        close = segment.find(segment[0], 1)
        if close < 0:
            return None
        return Edit(start + close, start + close, suffix)
    body = re.split(r"\s+#", segment, maxsplit=1)[0].rstrip()
    return Edit(start + len(body), start + len(body), suffix)
