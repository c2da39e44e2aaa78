"""Java `.properties` files: `key=value`, `key: value` or `key value`; `#`/`!` comments; `\\` escapes.

Values keep a map from each decoded character back to the file, so a URL written with the common
`https\\://` escape is still found, and edits land on the exact characters they replace.
"""

from __future__ import annotations

import re

from migrator.configfiles import ConfigValue

NAME = "properties"
SUFFIXES = (".properties",)  # file name endings this format reads (lower case)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _logical_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each logical line, continuation lines (odd trailing backslashes) joined."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for line in _LINE.finditer(text):
        if not line.group():
            break
        body = line.group().rstrip("\r\n")
        if start is None:
            if not body.strip() or body.lstrip()[:1] in ("#", "!"):
                continue
            start = line.start()
        trailing = len(body) - len(body.rstrip("\\"))
        if trailing % 2 == 1:
            continue
        spans.append((start, line.start() + len(body)))
        start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _decode(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Decoded characters of text[start:end] and, for each, its offset in `text`."""
    out: list[str] = []
    offsets: list[int] = []
    i = start
    while i < end:
        ch = text[i]
        if ch == "\\" and i + 1 < end:
            nxt = text[i + 1]
            if nxt in "\r\n":  # continuation: the newline and the next line's indentation vanish
                i += 2 if text[i + 1 : i + 3] != "\r\n" else 3
                while i < end and text[i] in " \t\f":
                    i += 1
                continue
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                offsets.append(i)
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            offsets.append(i)
            i += 2
            continue
        out.append(ch)
        offsets.append(i)
        i += 1
    return "".join(out), offsets


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    for start, end in _logical_lines(text):
        i = start
        while i < end and text[i] in " \t\f":
            i += 1
        key_start = i
        while i < end and text[i] not in "=: \t\f":
            i += 2 if text[i] == "\\" else 1
        key, _ = _decode(text, key_start, min(i, end))
        while i < end and text[i] in " \t\f":
            i += 1
        if i < end and text[i] in "=:":
            i += 1
            while i < end and text[i] in " \t\f":
                i += 1
        out.append(ConfigValue(key, i, end, _decode(text, i, end)[0]))
    return out


def value_offsets(text: str, value: ConfigValue) -> list[int]:
    """For each decoded character of `value`, its offset in `text` (plus the end offset)."""
    return _decode(text, value.start, value.end)[1] + [value.end]


def load(text: str) -> list[tuple[str, str]]:
    return [(v.key, v.value) for v in values(text)]
