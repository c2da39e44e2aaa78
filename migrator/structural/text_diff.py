"""Old text and new text of one region -> the smallest exact edits that turn one into the other."""

from __future__ import annotations

import difflib
import re

from migrator.findings import Edit

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def char_edits(old: str, new: str, base: int) -> list[Edit]:
    """Character-level edits of a node's text (`base`: its offset in the file). Unchanged pieces,
    such as a URL literal another rule rewrites, are never covered by an edit."""
    # Trim what both share first: the matcher is quadratic, the changed middle is small.
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old, new, base = old[head : len(old) - tail], new[head : len(new) - tail], base + head
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        Edit(base + i1, base + i2, new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def line_edits(old: str, new: str) -> list[Edit]:
    """Whole-line edits between two module texts (used for inserted import lines)."""
    old_lines, new_lines = _LINE.findall(old), _LINE.findall(new)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return [
        Edit(starts[i1], starts[i2], "".join(new_lines[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
