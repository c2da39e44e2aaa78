"""Configuration files: one module per format, each finding the values a file holds with exact spans.

Every format module has `NAME`, `values(text) -> list[ConfigValue]` (every value with the span of
its raw text, its key and its decoded value; comments are never values) and `load(text)` (the
parsed content, for verifying a rewrite; raises ValueError when the file is not valid in that
format). Rewrites (`migrator.configfiles.rewrite`) only ever replace text inside a value span, so
comments, key order, quoting, indentation and newline style survive byte for byte.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType


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


_BY_SUFFIX = {
    ".ini": "ini", ".cfg": "ini", ".toml": "toml_file", ".json": "json_file", ".yaml": "yaml_file", ".yml": "yaml_file",
    ".xml": "xml_file", ".config": "xml_file", ".properties": "properties", ".env": "dotenv",
}


def format_for(path: Path) -> ModuleType | None:
    """The format module that reads `path`, or None for files that are not configuration files."""
    name = path.name.lower()
    module = "dotenv" if name == ".env" or name.startswith(".env.") else _BY_SUFFIX.get(path.suffix.lower())
    if module is None:
        return None
    return _module(module)


@cache
def _module(name: str) -> ModuleType:
    return importlib.import_module(f"migrator.configfiles.{name}")
