"""Searching a long text only on the lines that can hold a match.

The URL model's patterns are case-insensitive and start with look-behinds, so Python's `re` tries
every alternative at every character; over a file of a few hundred lines most of the time goes to
lines that hold no needle at all. Every piece stands on one line and the patterns look at most one
character past it (the newline), so the lines that hold a needle, joined in order with their
newlines and one newline before the first, give exactly the matches of the whole text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

# Beside ASCII letters, re.IGNORECASE matches only these to them (dotted and dotless i, long s, Kelvin):
# a text holding one is searched whole, as lower-casing would not show the needle they spell.
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


@dataclass(frozen=True)
class NeedleLines:
    text: str  # the lines joined, after one newline
    at_compact: list[int]  # where each line starts in `text`
    at_source: list[int]  # where it starts in the source

    def source_offset(self, offset: int) -> int:
        line = bisect.bisect_right(self.at_compact, offset) - 1
        return offset - self.at_compact[line] + self.at_source[line]


def needle_lines(text: str, starts: list[int] | None, needles: tuple[str, ...], skip: set[int] = frozenset()) -> NeedleLines | None:  # type: ignore[assignment]
    """The lines of `text` that hold one of the lower-case `needles`, except the 1-based lines in
    `skip`; None when the text must be searched whole. `starts`: each line's first offset, if known."""
    lowered = text.lower()
    if len(lowered) != len(text) or _FOLDS_TO_ASCII.search(text):  # offsets would shift, or a needle hides
        return None
    if starts is None:  # after each "\n" (C iterators: the sum of the lengths before each line)
        starts = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
        starts.pop()
    wanted: set[int] = set()  # 0-based line numbers
    for needle in needles:
        at = lowered.find(needle)
        while at >= 0:
            line = bisect.bisect_right(starts, at) - 1
            if line + 1 not in skip:
                wanted.add(line)
            end = starts[line + 1] if line + 1 < len(starts) else len(text)
            at = lowered.find(needle, end)
    chunks = ["\n"]  # what stands before the first line, as before every other
    at_compact: list[int] = []
    at_source: list[int] = []
    size = 1
    for line in sorted(wanted):
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(text)
        at_compact.append(size)
        at_source.append(start)
        chunks.append(text[start:end])
        size += end - start
    return NeedleLines("".join(chunks), at_compact, at_source)
