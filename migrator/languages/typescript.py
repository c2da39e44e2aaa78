"""TypeScript and TSX: the JavaScript rules with the TypeScript grammars."""

from __future__ import annotations

from migrator.languages.javascript import spec

SPECS = (
    spec("TypeScript", "tree_sitter_typescript", "language_typescript", (".ts", ".mts", ".cts")),
    spec("TSX", "tree_sitter_typescript", "language_tsx", (".tsx",)),
)
