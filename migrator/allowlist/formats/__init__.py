"""One adapter per allowlist format, one module each in this folder (found by `NAME`; adding a
format is adding its module). Each module defines:

* `NAME`: the format name used in reports;
* `detect(path, text) -> bool`: cheap check whether a candidate file is this format;
* `parse(files, ctx) -> list[Layer]`: all detected files of the format at once (so includes,
  variables and parameters can be resolved across files), each layer carrying its rules, its
  semantics and, where a safe edit exists, a `fixer`.
"""

from __future__ import annotations

from migrator.registry import ModuleRegistry

# The formats found so far keep their place in reports (layers that tie sort in this order); a new
# adapter follows them by module name.
ADAPTERS = ModuleRegistry(
    "migrator.allowlist.formats",
    "NAME",
    first=("nginx", "apache", "iis", "haproxy", "kubernetes", "cloudformation", "terraform", "netfilter", "python_app"),
)
