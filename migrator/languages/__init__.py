"""Other languages (C#, PHP, JavaScript, TypeScript, Java, Go) through tree-sitter.

One module per language (in this folder, defining `SPECS`) describes its grammar as a `LanguageSpec` (which nodes are string
literals, escapes, interpolations, concatenations and constant declarations); the shared driver
(`migrator.languages.treesitter`) does the rest. Grammars come from the per-language PyPI packages
(compiled wheels, nothing is downloaded at run time), installed with `pip install 'vni-migrate[languages]'`.
"""

from __future__ import annotations

from pathlib import Path

from migrator.languages.spec import Declarations, LanguageSpec
from migrator.registry import ModuleRegistry

__all__ = ["LANGUAGES", "Declarations", "LanguageSpec", "spec_for"]

# Every module of this folder that defines `SPECS`: adding a language is adding its module.
LANGUAGES = ModuleRegistry("migrator.languages", "SPECS")
_SPECS: dict[str, LanguageSpec] = {}


def spec_for(path: Path) -> LanguageSpec | None:
    """The language of `path` by its suffix, or None."""
    if not _SPECS:
        for module in LANGUAGES.values():
            for spec in module.SPECS:
                for suffix in spec.suffixes:
                    if suffix in _SPECS and _SPECS[suffix] is not spec:
                        raise ValueError(f"suffix {suffix} claimed by both {_SPECS[suffix].name} and {spec.name}")
                    _SPECS[suffix] = spec
    return _SPECS.get(path.suffix.lower())
