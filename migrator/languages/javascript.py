"""JavaScript: quoted strings and template literals; `const` declarations and object properties."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrator.languages._declarations import Text, declarators, walk
from migrator.languages.spec import LanguageSpec


def _constant(node: Any, text: Text) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "lexical_declaration" and text(parent.children[0]) == "const"


def declarations(root: Any, text: Text) -> Iterator[tuple[Any, Any, bool]]:
    yield from declarators(root, text, _constant)
    for pair in walk(root, {"pair"}):  # { baseUrl: "..." }: followed by name, never proved constant
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is not None and value is not None and key.type == "property_identifier":
            yield key, value, False


def spec(name: str, package: str, function: str, suffixes: tuple[str, ...]) -> LanguageSpec:
    return LanguageSpec(
        name=name,
        package=package,
        function=function,
        suffixes=suffixes,
        literals=frozenset({"string", "template_string"}),
        content=frozenset({"string_fragment"}),
        interpolations=frozenset({"template_substitution"}),
        names=frozenset({"identifier", "property_identifier"}),
        members={"member_expression": "property"},
        declarations=declarations,
    )


SPECS = (spec("JavaScript", "tree_sitter_javascript", "language", (".js", ".mjs", ".cjs", ".jsx")),)
