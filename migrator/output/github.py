"""GitHub Actions workflow commands: `::error file=...,line=...::message`, one per finding, so the
findings appear as annotations on the pull request's diff (paths relative to the repository root)."""

from __future__ import annotations

from migrator.output.paths import relative_uri
from migrator.output.redaction import redact_text
from migrator.output.registry import RenderOptions, output_format
from migrator.output.text import sort_key, split_message
from migrator.runner import RunResult

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


@output_format("github", "findings", "GitHub Actions annotations (::error file=...,line=...::)")
def render_github(result: RunResult, options: RenderOptions) -> str:
    rules = {r.id: r for r in result.rules}
    lines = []
    for finding in sorted((f for f in result.findings if not f.suppressed), key=sort_key):
        rule = rules.get(finding.rule)
        title = f"{finding.rule} {rule.title}" if rule else finding.rule
        end_line = max(finding.end_line, finding.line)
        props = [
            f"file={_property(relative_uri(finding.path, options.root))}",
            f"line={finding.line}",
            f"endLine={end_line}",
            f"col={finding.column}",
        ]
        if end_line == finding.line:
            props.append(f"endColumn={max(finding.end_column, finding.column)}")
        props.append(f"title={_property(title)}")
        headline = split_message(finding.message)[0]
        lines.append(f"::{LEVELS[finding.severity.value]} {','.join(props)}::{_data(headline)}")
    for problem in result.problems:
        where = f"file={_property(relative_uri(problem.path, options.root))}" + (f",line={problem.line}" if problem.line else "")
        lines.append(f"::error {where},title=vni-migrate::{_data(problem.message)}")
    return redact_text("\n".join(lines) + "\n") if lines else ""
