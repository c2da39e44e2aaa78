"""Java: string literals and text blocks; `final` fields and locals are constants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrator.languages._declarations import Text, declarators, has_modifier
from migrator.languages.spec import LanguageSpec


def _declarations(root: Any, text: Text) -> Iterator[tuple[Any, Any, bool]]:
    yield from declarators(root, text, lambda node, t: has_modifier(node, t, {"final"}))


SPEC = LanguageSpec(
    name="Java",
    package="tree_sitter_java",
    function="language",
    suffixes=(".java",),
    literals=frozenset({"string_literal"}),
    content=frozenset({"string_fragment", "multiline_string_fragment"}),
    members={"field_access": "field"},
    declarations=_declarations,
)
SPECS = (SPEC,)
