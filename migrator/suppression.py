"""`# vni-migrate: ignore[VNI001]` comments: read from real comment tokens, scoped to a statement.

A comment on a statement's line, or on the line above it, suppresses the named rules for that
whole statement. Suppressions that suppress nothing are reported (VNI900).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from migrator.findings import Finding

MARKER_RE = re.compile(r"#\s*vni-migrate:\s*ignore\[([A-Za-z0-9_,\s]+)\]\s*(.*)$")


@dataclass
class Suppression:
    line: int
    column: int
    end_column: int
    rules: tuple[str, ...]
    reason: str
    lines: tuple[int, int] = (0, 0)  # statement line range covered
    used: set[str] = field(default_factory=set)


def find_suppressions(text: str, tree: ast.Module | None) -> list[Suppression]:
    if "vni-migrate" not in text:
        return []
    found: list[Suppression] = []
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        for tok in tokens:
            if tok.type != tokenize.COMMENT:
                continue
            match = MARKER_RE.search(tok.string)
            if match:
                rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
                found.append(
                    Suppression(tok.start[0], tok.start[1] + 1, tok.end[1] + 1, rules, match.group(2).strip())
                )
    except (tokenize.TokenError, SyntaxError):
        return []
    if not found:
        return found
    statements: list[tuple[int, int]] = []
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt):
                statements.append((node.lineno, node.end_lineno or node.lineno))
    for sup in found:
        covering = [s for s in statements if s[0] == sup.line or s[0] == sup.line + 1]
        start = min((s[0] for s in covering), default=sup.line)
        end = max((s[1] for s in covering), default=sup.line)
        sup.lines = (min(start, sup.line), max(end, sup.line))
    return found


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression]) -> None:
    for finding in findings:
        for sup in suppressions:
            if finding.rule in sup.rules and (
                sup.lines[0] <= finding.line <= sup.lines[1] or finding.line == sup.line
            ):
                finding.suppressed = True
                sup.used.add(finding.rule)
