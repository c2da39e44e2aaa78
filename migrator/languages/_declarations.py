"""Declaration finders shared by the language specs: (name node, value node, is constant)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Text = Callable[[Any], str]


def walk(root: Any, types: set[str]) -> Iterator[Any]:
    cursor = [root]
    while cursor:
        node = cursor.pop()
        if node.type in types:
            yield node
        cursor.extend(reversed(node.children))


class _ModifierText:
    """The text callable, with the modifier words of each node already looked at: the declarators
    of one class share their ancestors, and a class body's children are listed once, not per field."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self.words: dict[int, set[str]] = {}

    def __call__(self, node: Any) -> str:
        return self.text(node)


def declarators(root: Any, text: Text, constant: Callable[[Any, Text], bool]) -> Iterator[tuple[Any, Any, bool]]:
    """`variable_declarator` nodes with a `name` and a `value` (JavaScript, TypeScript, Java, C#)."""
    text = _ModifierText(text)
    for node in walk(root, {"variable_declarator"}):
        name = node.child_by_field_name("name") or (node.named_children[0] if node.named_children else None)
        value = node.child_by_field_name("value")
        if value is None and any(not c.is_named and text(c) == "=" for c in node.children):
            value = node.named_children[-1]
        if name is not None and value is not None and name.type == "identifier":
            yield name, value, constant(node, text)


def has_modifier(node: Any, text: Text, words: set[str], levels: int = 3) -> bool:
    """True when an enclosing declaration (within `levels`) carries all of `words` as modifiers."""
    cache = text.words if isinstance(text, _ModifierText) else None
    current = node.parent
    for _ in range(levels):
        if current is None:
            return False
        flat = cache.get(current.id) if cache is not None else None
        if flat is None:
            flat = _modifier_words(current, text)
            if cache is not None:
                cache[current.id] = flat
        if words <= flat:
            return True
        current = current.parent
    return False


def _modifier_words(node: Any, text: Text) -> set[str]:
    found = {text(c) for c in node.children if c.type in ("modifier", "modifiers")}
    flat: set[str] = set()
    for item in found:
        flat.update(item.split())
    return flat
