"""Which files in a tree may hold an allowlist. Cheap: names first, then each adapter's `detect`."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.allowlist.formats import ADAPTERS
from migrator.discovery import is_venv

SKIP_DIRS = {
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".terraform", "site-packages", "dist", "build", ".idea", ".vscode",
}
SUFFIXES = {
    ".conf", ".cfg", ".config", ".htaccess", ".yaml", ".yml", ".json", ".tf", ".tfvars", ".py",
    ".env", ".rules", ".v4", ".v6", ".nft", ".lst", ".geo", ".template", ".vhost", ".site", ".sh",
}
NAMES = {"nginx.conf", "httpd.conf", "apache2.conf", "haproxy.cfg", "web.config", "rules.v4", "rules.v6",
         "iptables", "ip6tables", "user.rules", "user6.rules", "nftables.conf", ".env", "Dockerfile"}
CONFIG_DIRS = {"sites-enabled", "sites-available", "conf.d", "nginx", "apache2", "httpd", "snippets", "haproxy"}
MAX_BYTES = 2_000_000



def _adapter_names() -> tuple[set[str], set[str]]:
    """SUFFIXES and NAMES plus those an adapter adds (its own `SUFFIXES` / `NAMES`), so a new format
    needs no entry here."""
    suffixes, names = set(SUFFIXES), set(NAMES)
    for adapter in ADAPTERS.values():
        suffixes.update(getattr(adapter, "SUFFIXES", ()))
        names.update(getattr(adapter, "NAMES", ()))
    return suffixes, names


def _wanted(path: Path, suffixes: set[str] = SUFFIXES, names: set[str] = NAMES) -> bool:
    name = path.name
    return (
        path.suffix.lower() in suffixes
        or name in names
        or name.startswith(".env")
        or name.endswith(".env")
        or path.parent.name in CONFIG_DIRS
    )


def candidate_files(paths: list[Path]) -> list[Path]:
    """Files under `paths` that may hold an allowlist, sorted; explicit file arguments always count."""
    found: set[Path] = set()
    suffixes, names = _adapter_names()
    for root in paths:
        if root.is_file():
            found.add(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not is_venv(here / d))
            for name in filenames:
                path = here / name
                if _wanted(path, suffixes, names) and path.is_file() and path.stat().st_size <= MAX_BYTES:
                    found.add(path)
    return sorted(found)
