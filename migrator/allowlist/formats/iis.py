"""iis adapter (not yet implemented)."""

from __future__ import annotations

from pathlib import Path

from migrator.allowlist.model import AuditContext, Layer

NAME = "iis"


def detect(path: Path, text: str) -> bool:
    return False


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    return []
