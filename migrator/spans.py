"""Findings at character spans of non-Python files (configuration files, other languages).

Suppression works as in Python, with the file's own comment syntax: a line holding
`vni-migrate: ignore[VNI050]` (after `#`, `//`, `;`, `<!--`...) suppresses the named rules on
that line and the next one.
"""

from __future__ import annotations

import re
from typing import Any

from migrator.findings import Edit, Finding, FixSafety
from migrator.python.urlflow import LineIndex
from migrator.rulefile import Rule

_MARKER = re.compile(r"vni-migrate:\s*ignore\[([A-Za-z0-9_,\s]+)\]")


class SpanText:
    """One decoded file: line/column lookups and the suppression markers it holds."""

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text = text
        self.index = LineIndex(text)
        self._marks: dict[int, set[str]] = {}
        if "vni-migrate" in text:
            for match in _MARKER.finditer(text):
                line, _ = self.index.position(match.start())
                rules = {r.strip().upper() for r in match.group(1).split(",") if r.strip()}
                for covered in (line, line + 1):
                    self._marks.setdefault(covered, set()).update(rules)

    def finding(
        self,
        rule: Rule,
        start: int,
        end: int,
        message: str,
        edits: list[Edit] | tuple[Edit, ...] = (),
        fix: FixSafety | None = None,
        replacement: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Finding:
        line, column = self.index.position(start)
        end_line, end_column = self.index.position(end)
        return Finding(
            rule=rule.id,
            severity=rule.severity,
            fix=fix or rule.fix,
            path=self.display,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            message=message,
            edits=tuple(sorted(set(edits), key=lambda e: (e.start, e.end))),
            suppressed=rule.id in self._marks.get(line, ()),
            replacement=replacement,
            snippet=self.text[start:end][:500],
            extra=extra or {},
        )
