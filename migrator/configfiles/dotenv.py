"""`.env` files: `KEY=value` lines, optionally `export`ed, values bare, 'single' or "double" quoted."""

from __future__ import annotations

import re
from pathlib import Path

from migrator.configfiles import ConfigValue

NAME = "dotenv"
SUFFIXES = (".env",)  # file name endings this format reads (lower case)


def claims(path: Path) -> bool:
    """`.env` and `.env.<stage>` files, whatever their suffix."""
    name = path.name.lower()
    return name == ".env" or name.startswith(".env.")

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_ASSIGNMENT = re.compile(r"[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*")
_DOUBLE_ESCAPE = re.compile(r"\\(.)")


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    for line in _LINE.finditer(text):
        body = line.group().rstrip("\r\n")
        match = _ASSIGNMENT.match(body)
        if match is None:
            continue  # comments, blank lines, anything that is no assignment
        start = line.start() + match.end()
        rest = body[match.end() :]
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            close = _closing_quote(rest, quote)
            if close is None:
                continue  # multi-line or broken quoting: not a value this reader vouches for
            raw = rest[1:close]
            value = raw if quote == "'" else _DOUBLE_ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw)
            out.append(ConfigValue(match.group("key"), start + 1, start + close, value))
            continue
        comment = re.search(r"[ \t]#", rest)
        raw = (rest[: comment.start()] if comment else rest).rstrip(" \t")
        out.append(ConfigValue(match.group("key"), start, start + len(raw), raw))
    return out


def _closing_quote(rest: str, quote: str) -> int | None:
    i = 1
    while i < len(rest):
        if quote == '"' and rest[i] == "\\":
            i += 2
            continue
        if rest[i] == quote:
            return i
        i += 1
    return None


def load(text: str) -> list[tuple[str, str]]:
    return [(v.key, v.value) for v in values(text)]
