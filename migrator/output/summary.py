"""Counts shared by every output format."""

from __future__ import annotations

from collections import Counter
from typing import Any

from migrator.runner import RunResult


def summary(result: RunResult) -> dict[str, Any]:
    active = [f for f in result.findings if not f.suppressed]
    by_severity = Counter(f.severity.value for f in active)
    return {
        "files_scanned": result.files_scanned,
        "findings": {s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
        "by_rule": dict(sorted(Counter(f.rule for f in active).items())),
        "by_fix": {s: sum(1 for f in active if f.fix.value == s) for s in ("safe", "review", "manual")},
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "fixes_pending": 0 if result.files_written else len(result.changed),
        "files_changed": len(result.changed),
        "files_written": result.files_written,
        "problems": len(result.problems),
    }
