"""Other languages (C#, PHP, JavaScript, TypeScript, Java, Go) through tree-sitter.

One module per language describes its grammar as a `LanguageSpec` (which nodes are string
literals, escapes, interpolations, concatenations and constant declarations); the shared driver
(`migrator.languages.treesitter`) does the rest. Grammars come from the per-language PyPI packages
(compiled wheels, nothing is downloaded at run time), installed with `pip install 'vni-migrate[languages]'`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# (root node, node text) -> (name node, value node, is constant) for each declaration
Declarations = Callable[[Any, Callable[[Any], str]], Iterator[tuple[Any, Any, bool]]]


@dataclass(frozen=True)
class LanguageSpec:
    """How one grammar spells the things the URL analysis needs."""

    name: str  # for messages: "C#", "PHP"...
    package: str  # the grammar's Python package, e.g. "tree_sitter_c_sharp"
    function: str  # its function returning the language pointer
    suffixes: tuple[str, ...]
    literals: frozenset[str]  # string literal node types (incl. templates, interpolated strings)
    content: frozenset[str] = frozenset()  # children of a literal that are raw text
    escapes: frozenset[str] = frozenset({"escape_sequence"})
    interpolations: frozenset[str] = frozenset()  # children of a literal that embed an expression
    braces: frozenset[str] = frozenset()  # syntax inside a literal around an embedded expression
    leaf_quotes: dict[str, tuple[int, int]] = field(default_factory=dict)  # literal types without children: (open, close) lengths
    concat_operator: str = "+"
    binary: str = "binary_expression"
    parentheses: frozenset[str] = frozenset({"parenthesized_expression"})
    names: frozenset[str] = frozenset({"identifier"})  # a reference to a declaration
    members: dict[str, str] = field(default_factory=dict)  # member access node type -> field holding the member name
    declarations: Declarations | None = None  # yields (name, value node, is constant) for the whole tree


_SPECS: dict[str, LanguageSpec] = {}


def spec_for(path: Path) -> LanguageSpec | None:
    """The language of `path` by its suffix, or None."""
    if not _SPECS:
        from migrator.languages import csharp, go, java, javascript, php, typescript

        for module in (csharp, php, javascript, typescript, java, go):
            for spec in module.SPECS:
                _SPECS.update(dict.fromkeys(spec.suffixes, spec))
    return _SPECS.get(path.suffix.lower())
