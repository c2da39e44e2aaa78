"""What is already rewritten: calls through the helper and the helper's import.

The rewrite itself (`send(url, ...)` -> `visma_background.call(send, url, ...)`, the import) is a
structural fix done by the LibCST stage (`migrator.structural`).
"""

from __future__ import annotations

import ast

from migrator.background import HELPER_MODULE


def is_wrapped(call: ast.Call) -> bool:
    """A call that already goes through the helper (so a second run leaves it alone)."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("call", "call_async")
        and isinstance(func.value, ast.Name)
        and func.value.id == HELPER_MODULE
    )
