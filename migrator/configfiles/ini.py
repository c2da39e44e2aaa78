"""`.ini` / `.cfg` files: `[section]`, `key = value` or `key: value`, `;` and `#` comments."""

from __future__ import annotations

import configparser
import re

from migrator.configfiles import ConfigValue

NAME = "ini"
SUFFIXES = (".ini", ".cfg")  # file name endings this format reads (lower case)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_SECTION = re.compile(r"\s*\[(?P<name>[^\]]*)\]")
_KEY = re.compile(r"(?P<key>[^=:\s;#\[][^=:]*?)\s*[=:]\s*")
_INLINE_COMMENT = re.compile(r"\s[;#]")


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    section = ""
    for line in _LINE.finditer(text):
        body = line.group().rstrip("\r\n")
        if not body.strip() or body.lstrip()[:1] in (";", "#"):
            continue
        header = _SECTION.match(body)
        if header:
            section = header.group("name").strip()
            continue
        if body[:1] in (" ", "\t"):
            key, offset = f"{section}.(continued)", len(body) - len(body.lstrip())  # a continuation line
        else:
            match = _KEY.match(body)
            if match is None:
                continue
            key, offset = f"{section}.{match.group('key').strip()}" if section else match.group("key").strip(), match.end()
        rest = body[offset:]
        comment = _INLINE_COMMENT.search(rest)
        raw = (rest[: comment.start()] if comment else rest).rstrip()
        start = line.start() + offset
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in ("'", '"'):
            out.append(ConfigValue(key, start + 1, start + len(raw) - 1, raw[1:-1]))
        else:
            out.append(ConfigValue(key, start, start + len(raw), raw))
    return out


def load(text: str) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";", "#"), default_section="\0")
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    return {name: {key: _unquoted(value) for key, value in parser.items(name)} for name in parser.sections()}


def _unquoted(value: str) -> str:
    """Quotes around a whole value are the file's style, not part of the value (as `values` reads it)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
        return value[1:-1]
    return value
