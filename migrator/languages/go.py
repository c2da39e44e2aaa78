"""Go: interpreted ("...") and raw (`...`) string literals; `const` specs are constants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrator.languages._declarations import Text, walk
from migrator.languages.spec import LanguageSpec


def _declarations(root: Any, text: Text) -> Iterator[tuple[Any, Any, bool]]:
    for spec in walk(root, {"const_spec", "var_spec"}):
        names = list(spec.children_by_field_name("name"))
        value = spec.child_by_field_name("value")
        if len(names) == 1 and value is not None and value.named_child_count == 1:
            yield names[0], value.named_children[0], spec.type == "const_spec"
    for short in walk(root, {"short_var_declaration"}):
        left, right = short.child_by_field_name("left"), short.child_by_field_name("right")
        if left is not None and right is not None and left.named_child_count == 1 and right.named_child_count == 1:
            yield left.named_children[0], right.named_children[0], False


SPEC = LanguageSpec(
    name="Go",
    package="tree_sitter_go",
    function="language",
    suffixes=(".go",),
    literals=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    content=frozenset({"interpreted_string_literal_content", "raw_string_literal_content"}),
    members={"selector_expression": "field"},
    names=frozenset({"identifier", "field_identifier"}),
    declarations=_declarations,
)
SPECS = (SPEC,)
