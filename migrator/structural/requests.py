"""Structural edit requests: what a rule kind asks the LibCST stage to do, as plain data.

A kind that changes structure (wraps a call, adds an import) does not build character edits
itself: it attaches requests to its finding (`Finding.structural`). They are plain frozen data
so they pickle to and from worker processes. Only when the finding is actually being fixed does
the LibCST stage (`migrator.structural.resolve`) parse the file and turn them into ordinary edits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BoundKeyword:
    """An argument `keyword=name` for a wrapped call, passed only when `name`, as seen from the call,
    is bound by nothing but the statement on `line` (the function or import the analysis found).
    Otherwise the call is still wrapped, without it: `planned` (the finding's words about the
    argument) becomes the reason it was left out followed by `otherwise`, and the finding's
    `extra[keyword]` gives way to `extra[keyword + "_left_out"]` (the reason)."""

    keyword: str  # e.g. "refresh_auth"
    name: str  # e.g. "new_token"
    line: int
    planned: str
    otherwise: str

    def left_out(self, reason: str) -> str:
        """What the finding says instead of `planned` when the argument is not passed."""
        return f"; `{self.keyword}=` NOT passed: {reason}{self.otherwise}"

    def bound_elsewhere(self, line: int | None) -> str:
        """The reason when `name` at the call is also (or only) bound by the statement on `line`."""
        where = f" (line {line})" if line else ""
        return f"`{self.name}` at the call is bound to something else{where}, not only to the one on line {self.line}"

    def bound_after(self) -> str:
        """The reason when the call runs at import time, before the statement binding `name`."""
        return f"`{self.name}` is bound (line {self.line}) after the call, which runs at import time"


@dataclass(frozen=True)
class WrapCall:
    """Route the call at text[start:end] through `helper.function(<callee>, <arguments>)`."""

    start: int  # character offsets of the `ast.Call` node
    end: int
    helper: str  # the module name the rewritten call uses, e.g. "visma_background"
    function: str  # "call" or "call_async"
    keywords: tuple[BoundKeyword, ...] = ()  # added after the call's own arguments


@dataclass(frozen=True)
class AddImport:
    """Make `binds` importable at module level: `import module` or `from module import name`.

    `module_wide`: refuse when any scope of the module binds the name to something else (code that
    uses its own `request` would silently get the imported one); without it only the wrapped call
    of the same finding is checked. A finding's imports go in in the order it lists them."""

    module: str
    name: str | None = None
    module_wide: bool = False

    @property
    def binds(self) -> str:
        return self.name or self.module.split(".")[0]

    @property
    def line(self) -> str:
        return f"from {self.module} import {self.name}" if self.name else f"import {self.module}"

    @staticmethod
    def from_line(line: str, module_wide: bool = False) -> AddImport:
        """Parse `import a.b` / `from a import b` (the forms `placement` writes)."""
        words = line.split()
        if words[0] == "from":
            return AddImport(words[1], words[3], module_wide)
        return AddImport(words[1], None, module_wide)

    def bound_in_module(self, line: int | None) -> str:
        """The reason a `module_wide` import is refused: the module binds the name on `line`."""
        where = f" (line {line})" if line else ""
        return (f"`{self.binds}` is already bound in this module{where}; importing "
                f"`{self.line}` would change what that code uses: rename it first")


@dataclass(frozen=True)
class RemoveParameters:
    """Remove the named parameters of the function defined at text[start:end] (commas handled)."""

    start: int  # character offsets of the `ast.FunctionDef` / `ast.AsyncFunctionDef` node
    end: int
    names: tuple[str, ...]


StructuralRequest = WrapCall | AddImport | RemoveParameters
