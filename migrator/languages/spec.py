"""How one tree-sitter grammar spells what the URL analysis needs: one `LanguageSpec` per language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
