"""Build a `Finding` for a character span of a decoded file (shared by every file kind)."""

from __future__ import annotations

from typing import Any, Protocol

from migrator.findings import Edit, Finding, FixSafety
from migrator.rulefile import Rule


class _Positions(Protocol):
    def position(self, offset: int) -> tuple[int, int]: ...


def span_finding(
    rule: Rule,
    path: str,
    text: str,
    index: _Positions,
    start: int,
    end: int,
    message: str,
    edits: list[Edit] | tuple[Edit, ...] = (),
    fix: FixSafety | None = None,
    replacement: str | None = None,
    extra: dict[str, Any] | None = None,
    suppressed: bool = False,
) -> Finding:
    """The finding of `rule` at text[start:end]; edits are sorted and de-duplicated."""
    line, column = index.position(start)
    end_line, end_column = index.position(end)
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        fix=fix or rule.fix,
        path=path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        message=message,
        edits=tuple(sorted(set(edits), key=lambda e: (e.start, e.end))),
        suppressed=suppressed,
        replacement=replacement,
        snippet=text[start:end][:500],
        extra=extra or {},
    )
