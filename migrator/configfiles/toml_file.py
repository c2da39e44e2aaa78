"""TOML files: basic, literal and multi-line strings; `#` comments; keys told apart by a following `=`/`.`."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from migrator.configfiles import ConfigValue

NAME = "toml"
SUFFIXES = (".toml",)  # file name endings this format reads (lower case)

_TOKEN = re.compile(
    r"(?P<comment>#[^\r\n]*)"
    r'|(?P<mbasic>"""(?:[^\\]|\\.)*?"""(?!"))'
    r"|(?P<mliteral>'''[\s\S]*?'''(?!'))"
    r'|(?P<basic>"(?:[^"\\\r\n]|\\.)*")'
    r"|(?P<literal>'[^'\r\n]*')"
)
_KEY_AFTER = re.compile(r"[ \t]*[=.]")
_BARE_KEY = re.compile(r"([A-Za-z0-9_.\"' -]+?)[ \t]*=[ \t]*$")


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment":
            continue
        if _KEY_AFTER.match(text, match.end()):
            continue  # a quoted key, not a value
        quote = 3 if kind in ("mbasic", "mliteral") else 1
        start, end = match.start() + quote, match.end() - quote
        try:
            value = tomllib.loads("v = " + match.group())["v"]
        except tomllib.TOMLDecodeError:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        key = _BARE_KEY.search(text[line_start : match.start()])
        out.append(ConfigValue(key.group(1).strip() if key else "", start, end, value))
    return out


def load(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from None
