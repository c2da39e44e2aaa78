"""Configuration files: one module per format, each finding the values a file holds with exact spans.

Every format module (one per file in this folder) has `NAME`, `SUFFIXES` (optionally `claims(path)`), `values(text) -> list[ConfigValue]` (every value with the span of
its raw text, its key and its decoded value; comments are never values) and `load(text)` (the
parsed content, for verifying a rewrite; raises ValueError when the file is not valid in that
format). Rewrites (`migrator.configfiles.rewrite`) only ever replace text inside a value span, so
comments, key order, quoting, indentation and newline style survive byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from migrator.registry import ModuleRegistry


class ConfigFileError(ValueError):
    """A configuration file its format module cannot read; the message is one line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class ConfigValue:
    """One value of a configuration file: text[start:end] is its raw form, `value` the decoded one."""

    key: str  # the key (or element/attribute) that holds it, for messages; "" when none
    start: int  # character offsets into the decoded file text
    end: int
    value: str


# Every module of this folder that defines `NAME` (and `SUFFIXES`): adding a format is adding its module.
FORMATS = ModuleRegistry("migrator.configfiles", "NAME")


def format_for(path: Path) -> ModuleType | None:
    """The format module that reads `path`, or None for files that are not configuration files."""
    claimers, by_suffix = _lookup()
    for module in claimers:  # a format that claims whole file names wins over suffixes
        if module.claims(path):
            return module
    return by_suffix.get(path.suffix.lower())


@cache  # asked for every file of a tree, several times
def _lookup() -> tuple[tuple[ModuleType, ...], dict[str, ModuleType]]:
    """The formats that claim file names, and the format of each suffix (the first module wins)."""
    by_suffix: dict[str, ModuleType] = {}
    for module in FORMATS.values():
        for suffix in module.SUFFIXES:
            by_suffix.setdefault(suffix, module)
    return tuple(m for m in FORMATS.values() if getattr(m, "claims", None) is not None), by_suffix
