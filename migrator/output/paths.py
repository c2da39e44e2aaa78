"""Where machine formats anchor their paths: the repository root (git's top level), else the scanned root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path, PurePosixPath


def scanned_root(paths: list[Path]) -> Path:
    """The common folder of the scanned paths (a file's folder for a file)."""
    folders = [(p if p.is_dir() else p.parent).resolve() for p in paths] or [Path.cwd().resolve()]
    return Path(os.path.commonpath([str(f) for f in folders]))


def repository_root(paths: list[Path]) -> Path:
    """git's top level for the scanned paths, else their common folder."""
    root = scanned_root(paths)
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return root
    top = done.stdout.strip()
    return Path(top).resolve() if done.returncode == 0 and top else root


def relative_uri(path: str, root: Path | None) -> str:
    """`path` (as displayed: relative to the working folder, or absolute) as a POSIX path relative
    to `root`; unchanged (minus a leading ./) when it lies outside `root` or no root is known."""
    text = path.replace("\\", "/")
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return str(PurePosixPath(text)).removeprefix("./")
