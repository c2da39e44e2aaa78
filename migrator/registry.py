"""One registration pattern for every extension point: a module in the extension point's folder.

A `ModuleRegistry` imports every public module of its package (its folder) the first time it is
asked, and registers each module that defines the registry's key attribute under that value: a
rule kind defines `KIND`, an allowlist adapter and a configuration format `NAME`, a language
`SPECS`. Adding one is adding one file; nothing else lists it. Modules without the attribute
(shared helpers in the same folder) are imported and left out.

Loading is lazy, so the registry's package never imports its members at import time, and the
members may import the package (and the engine) without an import cycle.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from types import ModuleType


class ModuleRegistry(Mapping[str, ModuleType]):
    """Registered modules by key, read-only. `first` lists module names that come first, in that
    order (where an order shows, e.g. adapters reported in a fixed order); the rest follow by name."""

    def __init__(self, package: str, key: str, first: tuple[str, ...] = ()) -> None:
        self.package = package
        self.key = key
        self.first = first
        self._modules: dict[str, ModuleType] | None = None

    def _loaded(self) -> dict[str, ModuleType]:
        if self._modules is None:
            self._modules = self._load()
        return self._modules

    def _load(self) -> dict[str, ModuleType]:
        package = importlib.import_module(self.package)
        names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_"))
        ordered = [name for name in self.first if name in names] + [name for name in names if name not in self.first]
        found: dict[str, ModuleType] = {}
        for name in ordered:
            module = importlib.import_module(f"{self.package}.{name}")
            value = getattr(module, self.key, None)
            if value is None:
                continue
            label = value if isinstance(value, str) else name
            if label in found and found[label] is not module:
                raise ValueError(f"{self.package}: {self.key} {label!r} is defined by both {found[label].__name__} and {module.__name__}")
            found[label] = module
        return found

    def reload(self) -> None:
        """Forget what was loaded: the next lookup scans the folder again (a test that adds a module)."""
        self._modules = None

    def __getitem__(self, key: str) -> ModuleType:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __repr__(self) -> str:
        return f"ModuleRegistry({self.package!r}, {self.key!r})"
