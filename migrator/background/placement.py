"""Where the helper module goes in the user's project, and the import a rewritten file needs.

Default: inside the top-level package that holds the rewritten file (`pkg/visma_background.py`,
imported as `from pkg import visma_background`); a file outside any package (a script) gets it
beside itself (`import visma_background`). `settings["background_helper"]` (a path, relative to
the working folder) puts it somewhere else for every file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.background import HELPER_FILE, HELPER_MODULE


@dataclass(frozen=True)
class Placement:
    import_line: str  # e.g. "from visma_sync import visma_background"
    path: Path | None  # the real path of the helper; None when the file is not on disk (rule examples)
    display: str  # how the run names it


def top_package(folder: Path) -> Path | None:
    """The outermost package folder at or above `folder` (every level has an `__init__.py`), or None."""
    top = None
    while (folder / "__init__.py").is_file():
        top = folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return top


def _module_name(helper: Path) -> str:
    parts = [helper.stem]
    folder = helper.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _import_line(module: str) -> str:
    package, _, name = module.rpartition(".")
    return f"from {package} import {name}" if package else f"import {name}"


def placement(display: str, settings: dict[str, Any], module: str = HELPER_MODULE) -> Placement:
    """The location and import of the helper `module` for the file shown as `display` (the
    `background_helper` setting places the background helper only)."""
    file_name = f"{module}.py"
    configured = settings.get("background_helper") if module == HELPER_MODULE else None
    if configured:
        helper = Path(str(configured))
        if helper.suffix != ".py":
            helper = helper / HELPER_FILE
        return Placement(_import_line(_module_name(helper.resolve())), helper.resolve(), str(helper))
    source = Path(display)
    if not source.is_file():
        return Placement(f"import {module}", None, file_name)
    real = source.resolve()
    top = top_package(real.parent)
    folder = top if top is not None else real.parent
    helper = folder / file_name
    levels = len(real.parent.relative_to(folder).parts)
    shown = os.path.normpath(os.path.join(os.path.dirname(display) or ".", *([".."] * levels), file_name))
    return Placement(_import_line(_module_name(helper)), helper, shown)
