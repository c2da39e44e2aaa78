"""One adapter per allowlist format. Each module defines:

* `NAME`: the format name used in reports;
* `detect(path, text) -> bool`: cheap check whether a candidate file is this format;
* `parse(files, ctx) -> list[Layer]`: all detected files of the format at once (so includes,
  variables and parameters can be resolved across files), each layer carrying its rules, its
  semantics and, where a safe edit exists, a `fixer`.
"""

from __future__ import annotations

from types import ModuleType

from migrator.allowlist.formats import (
    apache,
    cloudformation,
    haproxy,
    iis,
    kubernetes,
    netfilter,
    nginx,
    python_app,
    terraform,
)

ADAPTERS: tuple[ModuleType, ...] = (
    nginx,
    apache,
    iis,
    haproxy,
    kubernetes,
    cloudformation,
    terraform,
    netfilter,
    python_app,
)
