"""PHP: single- and double-quoted strings (with `$var` and `{$expr}`), heredoc and nowdoc bodies;
`const`, class constants and `define()` are constants, a `$variable` assigned once is followed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from migrator.languages._declarations import Text, walk
from migrator.languages.spec import LanguageSpec


def _declarations(root: Any, text: Text) -> Iterator[tuple[Any, Any, bool]]:
    for element in walk(root, {"const_element"}):
        named = element.named_children
        if len(named) == 2 and named[0].type == "name":
            yield named[0], named[1], True
    for call in walk(root, {"function_call_expression"}):
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if function is not None and text(function).lower() == "define" and arguments is not None:
            args = [a.named_children[0] for a in arguments.named_children if a.type == "argument" and a.named_child_count]
            if len(args) == 2 and args[0].type == "string":
                yield args[0], args[1], True
    for assignment in walk(root, {"assignment_expression"}):
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        if left is not None and right is not None and left.type == "variable_name":
            yield left, right, False


SPEC = LanguageSpec(
    name="PHP",
    package="tree_sitter_php",
    function="language_php",
    suffixes=(".php",),
    literals=frozenset({"string", "encapsed_string", "heredoc_body", "nowdoc_body"}),
    content=frozenset({"string_content", "string_value"}),
    interpolations=frozenset({"variable_name", "member_access_expression", "subscript_expression", "dynamic_variable_name"}),
    braces=frozenset({"{", "}"}),
    concat_operator=".",
    names=frozenset({"name", "variable_name"}),
    members={"class_constant_access_expression": "", "member_access_expression": "name"},
    declarations=_declarations,
)
SPECS = (SPEC,)
