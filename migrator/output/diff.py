"""The unified diff of the fixes a run made or would make (`fix --diff`, `scan --diff`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Literal

from migrator.runner import RunResult


def unified_diff(result: RunResult) -> str:
    """One diff for every changed file, in path order; new files diff against /dev/null. Not redacted
    here: it is printed (the redacting stdout) or written (`write_output`), and both redact."""
    return "".join(diff_pieces(result))


def diff_pieces(result: RunResult) -> Iterator[str]:
    """`unified_diff` one file at a time (each piece starts at a `---` line), to print as it is made."""
    for path in sorted(result.changes):
        old, new = result.changes[path]
        chunks = list(
            _unified(old.splitlines(keepends=True), new.splitlines(keepends=True),
                     "/dev/null" if path in result.created else f"a/{path}", f"b/{path}")
        )
        if chunks and not chunks[-1].endswith(("\n", "\r")):
            chunks.append("\n\\ No newline at end of file\n")
        if chunks:
            yield "".join(chunks)


_Tag = Literal["replace", "delete", "insert", "equal"]


class _LineByLine(difflib.SequenceMatcher[str]):
    """Two texts of as many lines, compared line i with line i: the fixes edit inside lines, and
    difflib's longest-match search is quadratic on a large file with many changed lines."""

    a: list[str]
    b: list[str]

    def get_opcodes(self) -> list[tuple[_Tag, int, int, int, int]]:
        opcodes: list[tuple[_Tag, int, int, int, int]] = []
        a, b = self.a, self.b
        start = 0
        for i in range(1, len(a) + 1):
            if i == len(a) or (a[i] == b[i]) != (a[start] == b[start]):
                tag: _Tag = "equal" if a[start] == b[start] else "replace"
                opcodes.append((tag, start, i, start, i))
                start = i
        return opcodes


def _unified(a: list[str], b: list[str], fromfile: str, tofile: str, n: int = 3) -> Iterator[str]:
    """difflib.unified_diff, with the line-by-line comparison when the fixes kept the line count."""
    if len(a) != len(b) or not a:
        yield from difflib.unified_diff(a, b, fromfile, tofile, n=n)
        return
    started = False
    for group in _LineByLine(None, a, b).get_grouped_opcodes(n):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    yield " " + line
                continue
            for line in a[i1:i2]:
                yield "-" + line
            for line in b[j1:j2]:
                yield "+" + line


def _range(start: int, stop: int) -> str:
    """A unified diff's `start,length` (as difflib writes it)."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1
    return f"{beginning},{length}"
