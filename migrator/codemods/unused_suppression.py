"""VNI900: a `# vni-migrate: ignore[...]` comment that suppresses nothing (reported by the engine)."""

from __future__ import annotations

from migrator.findings import Finding
from migrator.python.context import PythonContext
from migrator.rulefile import Rule

KIND = "unused-suppression"
LANGUAGE = "python"


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    return []  # produced by migrator.suppression after the other rules ran
