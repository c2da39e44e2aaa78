"""`# vni-migrate: ignore[VNI001]` comments, read from real comment tokens, scoped like ruff's `noqa`.

Two forms, nothing else:

- trailing: a comment after code covers the logical line it ends, and only that one. A statement
  written over several physical lines is one logical line, so the comment may sit on any of its
  lines, including the last (`URL = ("..."\\n       "...")  # vni-migrate: ignore[VNI001]`).
- line above: a comment on a line of its own covers the next logical line, when only other comment
  lines stand between them (a blank line ends it).

A bare `# noqa` (or `# noqa: E501`) is another tool's comment and hides no VNI finding. Suppressions
that suppress nothing, and ids that name no rule, are reported (VNI900); `fix --fix-suppressions`
removes the unused ones.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from migrator.codemods import KINDS
from migrator.findings import Edit, Finding, FixSafety
from migrator.kind import kind_of
from migrator.rulefile import load_rules

if TYPE_CHECKING:
    from migrator.python.context import PythonContext
    from migrator.rulefile import Rule

MARKER_RE = re.compile(r"#\s*vni-migrate:\s*ignore\[([A-Za-z0-9_,\s]+)\]\s*(.*)$")
_SKIPPED = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER)


@dataclass
class Suppression:
    line: int
    column: int  # 1-based column of the `#`
    end_column: int  # 1-based, exclusive
    rules: tuple[str, ...]
    reason: str
    lines: tuple[int, int] = (0, 0)  # the logical line covered (first, last physical line)
    used: set[str] = field(default_factory=set)
    trailing: bool = True  # after code on its line (else the line-above form)

    def covers(self, line: int) -> bool:
        return self.lines[0] <= line <= self.lines[1]


def _marker(comment: str) -> tuple[tuple[str, ...], str] | None:
    match = MARKER_RE.search(comment)
    if match is None:
        return None
    rules = tuple(r.strip().upper() for r in match.group(1).split(",") if r.strip())
    return rules, match.group(2).strip()


def find_suppressions(text: str, tree: ast.Module | None = None) -> list[Suppression]:
    """Every suppression comment of a Python text, with the logical line it covers.

    `tree` is accepted for callers that have one; the scope comes from the token stream alone.
    """
    if "vni-migrate" not in text:
        return []
    found: list[Suppression] = []
    pending: list[Suppression] = []  # line-above comments waiting for their logical line
    current: list[Suppression] = []  # trailing comments of the logical line in progress
    start: int | None = None  # first physical line of the logical line in progress
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                marker = _marker(tok.string)
                if marker is not None:
                    sup = Suppression(tok.start[0], tok.start[1] + 1, tok.end[1] + 1, marker[0], marker[1])
                    found.append(sup)
                    if start is None:
                        sup.trailing = False
                        sup.lines = (sup.line, sup.line)  # until its logical line is known
                        pending.append(sup)
                    else:
                        current.append(sup)
                continue
            if tok.type == tokenize.NL and start is None and tok.line.strip() == "":
                pending.clear()  # a blank line: the comment above belongs to nothing below
                continue
            if tok.type in _SKIPPED:
                continue
            if start is None:
                start = tok.start[0]
            if tok.type == tokenize.NEWLINE:
                for sup in (*pending, *current):
                    sup.lines = (start, tok.start[0])
                pending, current, start = [], [], None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    for sup in current:  # a logical line without NEWLINE (end of file)
        sup.lines = (start or sup.line, sup.line)
    return found


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression]) -> None:
    """Mark the findings a suppression covers (rule named, finding's first line on its logical line)."""
    for finding in findings:
        for sup in suppressions:
            if finding.rule in sup.rules and sup.covers(finding.line):
                finding.suppressed = True
                sup.used.add(finding.rule)


def removal_edit(text: str, line_start: int, sup: Suppression, unused: list[str]) -> Edit:
    """The edit that removes unused ids from a suppression, or the whole comment when none is left.

    `line_start` is the offset of the comment's line in `text`. A comment on a line of its own is
    removed with its line; a trailing one with the spaces before it.
    """
    begin = line_start + sup.column - 1
    end = line_start + sup.end_column - 1
    keep = [r for r in sup.rules if r not in unused]
    if keep:
        reason = f" {sup.reason}" if sup.reason else ""
        return Edit(begin, end, f"# vni-migrate: ignore[{', '.join(keep)}]{reason}")
    if not sup.trailing:
        line_end = text.find("\n", end)
        return Edit(line_start, len(text) if line_end < 0 else line_end + 1, "")
    while begin > line_start and text[begin - 1] in " \t":
        begin -= 1
    return Edit(begin, end, "")


UNUSED_SUPPRESSION = "VNI900"


def known_rule_ids(settings: dict[str, object]) -> frozenset[str]:
    """Every rule id of the run (enabled or not): the runner passes them in `settings["known_rules"]`;
    without it, the built-in rules."""
    given = settings.get("known_rules")
    if isinstance(given, (list, tuple, set, frozenset)):
        return frozenset(str(r) for r in given)
    return _builtin_rule_ids()


def _builtin_rule_ids() -> frozenset[str]:
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = frozenset(r.id for r in load_rules((), KINDS))
    return _BUILTIN


_BUILTIN: frozenset[str] | None = None


def suppression_findings(
    ctx: PythonContext, rules: list[Rule], suppressions: list[Suppression], settings: dict[str, object]
) -> list[Finding]:
    """VNI900 findings for one Python file: suppressions that suppress nothing, and ids that name no rule.

    Only ids of rules that run on the file itself are judged unused: rules checked across the
    project (e.g. VNI005) apply their suppressions later, so their ids are never reported here.
    With `settings["fix_suppressions"]` an unused suppression carries a safe edit that removes it.
    """
    rule = next((r for r in rules if r.id == UNUSED_SUPPRESSION), None)
    if rule is None or not suppressions:
        return []
    file_rules = {r.id for r in rules if (kind := kind_of(r)) is None or kind.per_file}
    known = known_rule_ids(settings) | {r.id for r in rules}
    out: list[Finding] = []
    for sup in suppressions:
        line_start = ctx.index.offset(sup.line, 0)
        span = (line_start + sup.column - 1, line_start + sup.end_column - 1)
        unknown = [r for r in sup.rules if r not in known]
        unused = [r for r in sup.rules if r in file_rules and r not in sup.used and r != UNUSED_SUPPRESSION]
        if unknown:
            out.append(ctx.finding(
                rule, span,
                f"Unknown rule id {', '.join(unknown)} in a suppression: no rule has this id "
                "(`vni-migrate rules list` shows them), so it suppresses nothing",
                extra={"unknown_ids": unknown},
            ))
        if unused:
            edit = removal_edit(ctx.text, line_start, sup, unused)
            fixing = bool(settings.get("fix_suppressions"))
            out.append(ctx.finding(
                rule, span,
                f"Unused suppression: nothing here is reported for {', '.join(unused)}",
                edits=(edit,),
                fix=FixSafety.SAFE if fixing else None,
                extra={"unused_ids": unused},
            ))
    return out


def per_file_ignore(display: str, rule_id: str, settings: dict[str, object]) -> str | None:
    """The `per-file-ignores` pattern that switches `rule_id` off for the file `display`, if any.

    `settings["per_file_ignores"]` holds `[folder, glob, [ids or prefixes]]` entries (plain data for
    the workers): the glob is matched against the path relative to the configuration file's
    folder, and a glob without `/` also against the file name, as ruff does."""
    entries = settings.get("per_file_ignores")
    if not entries:
        return None
    import fnmatch
    from pathlib import Path

    resolved = Path(display).resolve()
    for folder, pattern, ids in entries:  # type: ignore[attr-defined]
        if not any(rule_id.upper().startswith(str(i).upper()) for i in ids):
            continue
        try:
            relative = resolved.relative_to(folder).as_posix()
        except ValueError:
            continue
        if fnmatch.fnmatchcase(relative, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(resolved.name, pattern)):
            return str(pattern)
    return None


def apply_per_file_ignores(findings: list[Finding], settings: dict[str, object]) -> None:
    """Findings of rules switched off for their file are suppressed (so no fix touches them, and a
    shared base stays whole), with the pattern in `extra["per_file_ignore"]`; with
    `settings["baseline"]` (`fix --baseline`) the findings the baseline accepts are suppressed too."""
    for finding in findings if settings.get("per_file_ignores") else ():
        pattern = per_file_ignore(finding.path, finding.rule, settings)
        if pattern is not None:
            finding.suppressed = True
            finding.extra["per_file_ignore"] = pattern
    baseline_entry = settings.get("baseline")
    if isinstance(baseline_entry, dict):
        from migrator.baseline import mark_known

        mark_known(findings, baseline_entry)
