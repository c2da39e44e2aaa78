"""Line-based text edits that leave the rest of a file byte-identical."""

from __future__ import annotations

from itertools import pairwise

from migrator.findings import Edit


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def line_start(text: str, line: int) -> int:
    """Character offset of the start of 1-based `line`."""
    offset = 0
    for _ in range(line - 1):
        nxt = text.find("\n", offset)
        if nxt < 0:
            return len(text)
        offset = nxt + 1
    return offset


def line_end(text: str, line: int) -> int:
    """Offset just after the newline ending 1-based `line` (or end of text)."""
    start = line_start(text, line)
    nxt = text.find("\n", start)
    return len(text) if nxt < 0 else nxt + 1


def indent_of(text: str, line: int) -> str:
    start = line_start(text, line)
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def insert_lines_before(text: str, line: int, lines: list[str], indent: str | None = None) -> Edit:
    pad = indent_of(text, line) if indent is None else indent
    nl = newline_of(text)
    at = line_start(text, line)
    return Edit(at, at, "".join(f"{pad}{entry}{nl}" for entry in lines))


def insert_lines_after(text: str, line: int, lines: list[str], indent: str | None = None) -> Edit:
    pad = indent_of(text, line) if indent is None else indent
    nl = newline_of(text)
    at = line_end(text, line)
    prefix = "" if at == 0 or text[at - 1] == "\n" else nl
    return Edit(at, at, prefix + "".join(f"{pad}{entry}{nl}" for entry in lines))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits bottom to top; identical duplicates are applied once."""
    unique = sorted(set(edits), key=lambda e: (e.start, e.end, e.replacement))
    for before, after in pairwise(unique):
        if after.start < before.end:
            raise ValueError(f"overlapping edits at offsets {before.start}-{before.end} and {after.start}")
    for edit in reversed(unique):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text
