"""Searching a long text only on the lines that can hold a match.

Case-insensitive patterns (the URL model's, the redactor's trigger words) run at a fraction of
`str.find`'s speed in Python's `re`, and over a file of a few hundred lines most of the time goes
to lines that hold no needle at all. The needles are found with `str.find` in the lower-cased text
and the patterns run on those lines only. For patterns whose every match stands on one line and
that look at most one character past it (the newline), the lines that hold a needle, joined in
order with their newlines and one newline before the first, give exactly the matches of the whole
text (`needle_lines`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

# Beside ASCII letters, re.IGNORECASE matches only these to them (dotted and dotless i, long s, Kelvin):
# a text holding one is searched whole, as lower-casing would not show the needle they spell.
FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def exact_lower(text: str) -> str | None:
    """`text` lower-cased when a lower-case needle found in it is exactly where re.IGNORECASE would
    match it (same length, no character that folds to an ASCII letter), else None."""
    lowered = text.lower()
    if len(lowered) != len(text) or FOLDS_TO_ASCII.search(text):
        return None
    return lowered


def line_starts(text: str) -> list[int]:
    """Where each line starts, lines ending at "\\n" (C iterators: the sum of the lengths before each)."""
    starts = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
    starts.pop()  # the end of the last line starts no line
    return starts


def lines_holding(text: str, needles: Sequence[str], starts: Sequence[int] | None = None,
                  skip: set[int] | frozenset[int] = frozenset()) -> list[tuple[int, int]] | None:
    """(start, end) of each line that holds one of the lower-case `needles`, in order, the newline
    included; the 1-based lines in `skip` left out. None when the text must be searched whole (its
    lower case is longer, or a character folds to an ASCII letter). `starts`: `line_starts(text)`."""
    lowered = exact_lower(text)
    if lowered is None:
        return None
    starts = line_starts(text) if starts is None else starts
    wanted: set[int] = set()  # 0-based line numbers
    for needle in needles:
        at = lowered.find(needle)
        while at >= 0:
            line = bisect.bisect_right(starts, at) - 1
            if line + 1 not in skip:
                wanted.add(line)
            end = starts[line + 1] if line + 1 < len(starts) else len(text)
            at = lowered.find(needle, end)
    return [(starts[line], starts[line + 1] if line + 1 < len(starts) else len(text)) for line in sorted(wanted)]


@dataclass(frozen=True)
class NeedleLines:
    text: str  # the lines joined, after one newline
    at_compact: list[int]  # where each line starts in `text`
    at_source: list[int]  # where it starts in the source

    def source_offset(self, offset: int) -> int:
        line = bisect.bisect_right(self.at_compact, offset) - 1
        return offset - self.at_compact[line] + self.at_source[line]


def needle_lines(text: str, starts: Sequence[int] | None, needles: Sequence[str],
                 skip: set[int] | frozenset[int] = frozenset()) -> NeedleLines | None:
    """The lines `lines_holding` finds, joined to be searched as one text; None when the text
    must be searched whole."""
    spans = lines_holding(text, needles, starts, skip)
    if spans is None:
        return None
    chunks = ["\n"]  # what stands before the first line, as before every other
    at_compact: list[int] = []
    size = 1
    for start, end in spans:
        at_compact.append(size)
        chunks.append(text[start:end])
        size += end - start
    return NeedleLines("".join(chunks), at_compact, [start for start, _ in spans])
