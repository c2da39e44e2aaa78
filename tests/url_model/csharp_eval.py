"""Evaluate the string expressions of a C# project from its syntax tree (no .NET runtime here).

Enough of C# for the URL idioms: `const string` fields (addressed as `Class.Name`), `+`
concatenation, interpolated strings, `string.Format("{0}{1}", ...)`. The expressions to evaluate
are the elements of an array returned by a method named `Urls`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tree_sitter_c_sharp
from tree_sitter import Language, Parser

_PARSER = Parser(Language(tree_sitter_c_sharp.language()))


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode()


def _walk(node: Any):  # type: ignore[no-untyped-def]
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


class Project:
    def __init__(self, root: Path) -> None:
        self.constants: dict[str, tuple[Any, bytes]] = {}
        self.urls: list[tuple[Any, bytes]] = []
        for path in sorted(root.rglob("*.cs")):
            source = path.read_bytes()
            tree = _PARSER.parse(source)
            for node in _walk(tree.root_node):
                if node.type == "class_declaration":
                    cls = _text(node.child_by_field_name("name"), source)
                    for declarator in _walk(node):
                        if declarator.type == "variable_declarator":
                            name = _text(declarator.child_by_field_name("name") or declarator.named_children[0], source)
                            value = declarator.named_children[-1]
                            self.constants[f"{cls}.{name}"] = (value, source)
                if node.type in ("method_declaration",) and _text(node.child_by_field_name("name"), source) == "Urls":
                    for child in _walk(node):
                        if child.type in ("initializer_expression",):
                            self.urls.extend((element, source) for element in child.named_children)

    def evaluate(self, node: Any, source: bytes, args: dict[str, str]) -> str:
        kind = node.type
        if kind == "string_literal":
            return "".join(_text(c, source) for c in node.named_children if c.type == "string_literal_content")
        if kind == "binary_expression":
            return self.evaluate(node.named_children[0], source, args) + self.evaluate(node.named_children[-1], source, args)
        if kind == "member_access_expression":
            return self.evaluate(*self.constants[_text(node, source)], args)
        if kind == "identifier":
            name = _text(node, source)
            return args[name]
        if kind == "interpolated_string_expression":
            out = []
            for child in node.named_children:
                if child.type == "string_content":
                    out.append(_text(child, source))
                elif child.type == "interpolation":
                    inner = [c for c in child.named_children if c.type != "interpolation_brace"]
                    out.append(self.evaluate(inner[0], source, args))
            return "".join(out)
        if kind == "invocation_expression" and _text(node.child_by_field_name("function"), source) == "string.Format":
            values = [self.evaluate(a.named_children[0], source, args) for a in node.child_by_field_name("arguments").named_children]
            return re.sub(r"\{(\d+)\}", lambda m: values[int(m.group(1)) + 1], values[0])
        raise ValueError(f"cannot evaluate {kind}: {_text(node, source)}")


def built_urls(root: Path, args: dict[str, str]) -> list[str]:
    project = Project(root)
    return [project.evaluate(node, source, args) for node, source in project.urls]
