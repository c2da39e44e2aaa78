"""VNI008: what is left of the old gateway, wherever no other rule explained it.

"Clean" must mean "migrated": this kind runs after every other one and reads every code,
configuration, documentation and script file that names a piece of the old gateway. Each piece
(the old host, `controller/api`, a new host with a leftover `/API`, a retired endpoint, an `/API/`
segment beside a Visma host) on a line that no other finding covers becomes an error here, so a
scan can only pass when nothing of the old gateway is left or each place is suppressed. Whatever
an analysis gave up on (a syntax it does not know, bytes literals, a chain too long to follow)
ends up here rather than nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from migrator.findings import Finding, FixSafety
from migrator.needle_lines import needle_lines
from migrator.python.urlflow import LineIndex
from migrator.rulefile import Rule
from migrator.spans import SpanText
from migrator.urlmodel import files as model_files
from migrator.urlmodel import screening
from migrator.urlmodel.pieces import SEGMENT_NEEDLES, Role, find_pieces, foreign_url_before

KIND = "old-gateway-left"
LANGUAGE = "project"
PHASE = 2  # last: it looks at what every other kind reported

_LEFT = re.compile(
    r"integration\.visma\.net"
    r"|(?<![\w-])(?:API/)?(?:service/)?controller/api(?![\w-])"
    r"|api\.finance\.visma\.net/api(?![\w-])"
    r"|(?<![\w-])resources/(?:v1/(?:event|subscription|context|notification|servicestatus)|oauth/authorize)(?![\w-])"
    r"|(?<![\w-])security/api/v\d",
    re.IGNORECASE,
)


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    covered = _covered_lines(ctx)
    found: dict[str, list[Finding]] = {}  # the project phase's findings so far, by path: looked up per file
    for finding in getattr(ctx, "found", ()):
        found.setdefault(finding.path, []).append(finding)
    out: list[Finding] = []
    chosen = screening.candidates(ctx)
    if not chosen:
        return out
    # A string that is only `/API` is a piece of the old gateway when the project names Visma at all.
    visma_project = True
    extra = screening.other_files(ctx, SEGMENT_NEEDLES, {p for p, _ in chosen})
    for path, display in chosen + extra:
        source = ctx.source(display, path)
        if source is None:
            continue
        span = SpanText(display, source.text)
        lines = covered.get(display, set()) | _edited_lines(ctx, display, span, found.get(display, []))
        seen: set[int] = set()
        for start, end, text in _pieces_outside(source.text, span.index, lines, visma_project):
            line = span.index.position(start)[0]
            if line in lines or line in seen:
                continue
            seen.add(line)
            out.append(span.finding(rule, start, end, _message(path, text), fix=FixSafety.MANUAL, extra={"piece": text}))
    return out


# Every piece `_left_pieces` finds holds one of these, lower-cased.
_PIECE_NEEDLES = ("visma.net", "controller", "api", "resources/")


def _pieces_outside(text: str, index: LineIndex, skip: set[int], visma_project: bool) -> list[tuple[int, int, str]]:
    """`_left_pieces(text)` on the lines outside `skip` (1-based), searching only those that hold a
    needle: most lines of a migrated file are covered by other findings."""
    # The search cuts lines at "\n" only; where a lone "\r" ends a line too, the index counts
    # more lines, so lines are skipped after the search instead of before it.
    same_lines = text.count("\r") == text.count("\r\n")
    lines = needle_lines(text, index.starts if same_lines else None, _PIECE_NEEDLES, skip if same_lines else set())
    if lines is None:
        found = _left_pieces(text, visma_project)
    elif not lines.at_source:  # no line outside `skip` holds a needle
        return []
    else:
        found = [(lines.source_offset(start), lines.source_offset(start) + end - start, piece)
                 for start, end, piece in _left_pieces(lines.text, visma_project)]
    return [p for p in found if index.position(p[0])[0] not in skip]


def _left_pieces(text: str, visma_project: bool) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), m.group(0)) for m in _LEFT.finditer(text)
             if "visma" in m.group(0).lower() or not foreign_url_before(text, m.start())]
    found += [(p.start, p.end, p.text) for p in find_pieces(text, False, visma_project)
              if p.role in (Role.API_SEGMENT, Role.PREFIX)]
    return sorted(found)


def _message(path: Path, piece: str) -> str:
    if model_files.report_only(path):
        return f"Still names the old VNI gateway ({piece}): update this documentation or script by hand"
    return (f"A piece of the old VNI gateway is left here ({piece}) and no rule could migrate it: "
            "change it by hand, or suppress it with a reason")


def _covered_lines(ctx) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    """Lines some other finding already speaks for, by path: the finding's own lines, and the lines
    its edits touch (a cross-module finding edits a base that stands in another place)."""
    out: dict[str, set[int]] = {}
    findings: list[Finding] = [f for result in ctx.results.values() for f in result.findings]
    findings += list(getattr(ctx, "found", ()))
    for finding in findings:
        out.setdefault(finding.path, set()).update(range(finding.line, finding.end_line + 1))
    return out


def _edited_lines(ctx, display: str, span: SpanText, found: list[Finding]) -> set[int]:  # type: ignore[no-untyped-def]
    """Lines of `display` that some finding's edits change (`found`: the project phase's findings in it)."""
    findings: list[Finding] = list(ctx.results[display].findings) if display in ctx.results else []
    findings += found
    lines: set[int] = set()
    for finding in findings:
        for edit in finding.edits:
            first, last = span.index.position(edit.start)[0], span.index.position(max(edit.start, edit.end - 1))[0]
            lines.update(range(first, last + 1))
    return lines
