"""The unified diff of the fixes a run made or would make (`fix --diff`, `scan --diff`)."""

from __future__ import annotations

import difflib

from migrator.output.redaction import redact_text
from migrator.runner import RunResult


def unified_diff(result: RunResult) -> str:
    """One diff for every changed file, in path order; new files diff against /dev/null. Redacted."""
    chunks: list[str] = []
    for path in sorted(result.changes):
        old, new = result.changes[path]
        chunks.extend(
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 "/dev/null" if path in result.created else f"a/{path}", f"b/{path}")
        )
        if chunks and not chunks[-1].endswith(("\n", "\r")):
            chunks.append("\n\\ No newline at end of file\n")
    return redact_text("".join(chunks))
