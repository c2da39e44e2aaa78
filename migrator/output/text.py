"""Text output: `path:line:col: VNI001 message`, coloured on a terminal, with a summary."""

from __future__ import annotations

import click

from migrator.findings import Finding
from migrator.output.redaction import redact_text
from migrator.output.summary import summary
from migrator.runner import RunResult

COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def finding_line(finding: Finding, colour: bool) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}:"
    rule = finding.rule
    tags = []
    if finding.fixable:
        tags.append("[*]" if finding.fix.value == "safe" else "[review]")
    if finding.suppressed:
        tags.append("[suppressed]")
    if colour:
        where = click.style(where, bold=True)
        rule = click.style(rule, fg=COLOURS[finding.severity.value], bold=True)
    tag = (" " + " ".join(tags)) if tags else ""
    return f"{where} {rule}{tag} {finding.message}"  # render() redacts the whole report once


def render(
    result: RunResult, colour: bool = False, show_suppressed: bool = False, mode: str = "scan", findings: bool = True
) -> str:
    shown = [f for f in result.findings if findings and (show_suppressed or not f.suppressed)]
    if mode == "fix":  # after fixing, list what is left, as ruff does
        shown = [f for f in shown if not f.extra.get("fixed")]
    lines = [finding_line(f, colour) for f in shown]
    for problem in result.problems:
        lines.append(str(problem))
    s = summary(result)
    counts = ", ".join(f"{n} {sev}" for sev, n in s["findings"].items() if n) or "no findings"
    fixes = s["by_fix"]
    tail = f"{s['files_scanned']} files scanned: {counts}"
    if s["suppressed"]:
        tail += f" ({s['suppressed']} suppressed)"
    tail += f". Fixes: {fixes['safe']} safe, {fixes['review']} need review (--unsafe-fixes), {fixes['manual']} manual."
    if mode == "fix":
        fixed = sum(1 for f in result.findings if f.extra.get("fixed"))
        tail += f" Fixed {fixed} in {s['files_written']} files."
    elif s["files_changed"]:
        tail += f" {s['files_changed']} files would change."
    if result.problems:
        tail += f" {len(result.problems)} files could not be processed."
    lines.append(tail)
    return redact_text("\n".join(lines) + "\n")
