"""JSON files, including the comments that `appsettings.json` and other JSONC files allow."""

from __future__ import annotations

import json
import re
from typing import Any

from migrator.configfiles import ConfigValue

NAME = "json"
SUFFIXES = (".json",)  # file name endings this format reads (lower case)

_TOKEN = re.compile(r'(?P<comment>//[^\r\n]*|/\*[\s\S]*?\*/)|(?P<string>"(?:[^"\\\r\n]|\\.)*")')
_KEY_AFTER = re.compile(r"\s*:")


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def values(text: str) -> list[ConfigValue]:
    out: list[ConfigValue] = []
    key = ""
    for match in _tokens(text):
        if match.lastgroup == "comment":
            continue
        try:
            value = json.loads(match.group())
        except ValueError:
            continue
        if _KEY_AFTER.match(text, match.end()):
            key = value
            continue
        out.append(ConfigValue(key, match.start() + 1, match.end() - 1, value))
    return out


def load(text: str) -> Any:
    """The parsed document; comments (JSONC) are blanked out first, keeping every offset."""
    stripped = text
    for match in reversed(_tokens(text)):
        if match.lastgroup == "comment":
            stripped = stripped[: match.start()] + " " * (match.end() - match.start()) + stripped[match.end() :]
    stripped = re.sub(r",(\s*[}\]])", r" \1", stripped)  # trailing commas, also accepted by .NET
    try:
        return json.loads(stripped)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
