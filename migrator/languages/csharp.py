"""C#: regular, verbatim (`@"..."`), interpolated (`$"...{x}..."`) and raw string literals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrator.languages._declarations import Text, declarators, has_modifier
from migrator.languages.spec import LanguageSpec


def _constant(node: Any, text: Text) -> bool:
    return has_modifier(node, text, {"const"}) or has_modifier(node, text, {"readonly"})


def _declarations(root: Any, text: Text) -> Iterator[tuple[Any, Any, bool]]:
    yield from declarators(root, text, _constant)


SPEC = LanguageSpec(
    name="C#",
    package="tree_sitter_c_sharp",
    function="language",
    suffixes=(".cs",),
    literals=frozenset({"string_literal", "verbatim_string_literal", "interpolated_string_expression", "raw_string_literal"}),
    content=frozenset({"string_literal_content", "string_content", "raw_string_content"}),
    interpolations=frozenset({"interpolation"}),
    braces=frozenset({"interpolation_brace"}),
    leaf_quotes={"verbatim_string_literal": (2, 1)},
    members={"member_access_expression": "name"},
    declarations=_declarations,
)
SPECS = (SPEC,)
