"""Findings at character spans of non-Python files (configuration files, other languages).

Suppression works as in Python, with the file's own comment syntax: `vni-migrate: ignore[VNI050]`
(after `#`, `//`, `;`, `<!--`...) after code on a line suppresses the named rules on that line
only; on a line of its own it suppresses them on the next line.
"""

from __future__ import annotations

import re
from typing import Any

from migrator.findings import Edit, Finding, FixSafety
from migrator.python.urlflow import LineIndex
from migrator.rulefile import Rule
from migrator.span_finding import span_finding

_MARKER = re.compile(r"vni-migrate:\s*ignore\[([A-Za-z0-9_,\s]+)\]")
_COMMENT_OPENERS = re.compile(r"(#|//|/\*|<!--|;|--|'|\bREM\b|\*)")


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
                line_start = text.rfind("\n", 0, match.start()) + 1
                before = text[line_start : match.start()]
                own_line = _COMMENT_OPENERS.sub("", before).strip() == ""
                for covered in ((line, line + 1) if own_line else (line,)):
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
        return span_finding(
            rule, self.display, self.text, self.index, start, end, message, edits, fix, replacement, extra,
            suppressed=rule.id in self._marks.get(self.index.position(start)[0], ()),
        )
