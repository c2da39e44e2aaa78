"""Text output like ruff's: one `path:line:col: VNI001 headline` line per finding, sorted by path and
position; a rule's long explanation once (`--show-explanations`); `--statistics`; a summary line."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import click

from migrator.findings import Finding
from migrator.output.registry import RenderOptions, output_format
from migrator.output.summary import summary
from migrator.runner import RunResult

COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}
# The headline ends at the first sentence end (". " before a capital letter or a backquote: URLs
# hold dots but no ". ") or a parenthesised review note, whichever comes first.
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z`(])|\s+(?=\((?:review|not fixed automatically):)")


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    """Findings are listed by path, then line and column, as ruff does."""
    return (finding.path, finding.line, finding.column, finding.rule)


def split_message(message: str) -> tuple[str, str]:
    """(headline, explanation): the first sentence, and the rest that repeats across a rule's findings."""
    match = _SENTENCE_END.search(message)
    if match is None:
        return message, ""
    return message[: match.start()].rstrip(), message[match.end() :].strip()


def finding_line(finding: Finding, colour: bool, headline_only: bool = True) -> str:
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
    message = split_message(finding.message)[0] if headline_only else finding.message
    return f"{where} {rule}{tag} {message}"  # the output sink (stdout or write_output) redacts the whole report


def _explanations(shown: list[Finding], result: RunResult) -> list[str]:
    """Each rule's explanation once: the distinct message tails, then the rule's rationale."""
    rules = {r.id: r for r in result.rules}
    tails: dict[str, list[str]] = {}
    for finding in shown:
        tail = split_message(finding.message)[1]
        bucket = tails.setdefault(finding.rule, [])
        if tail and tail not in bucket:
            bucket.append(tail)
    lines: list[str] = []
    for rule_id, bucket in tails.items():
        rule = rules.get(rule_id)
        title = f" ({rule.name}): {rule.title}" if rule else ""
        lines.append(f"{rule_id}{title}")
        lines.extend(f"    {tail}" for tail in bucket)
        if rule and rule.rationale:
            lines.append("    " + " ".join(rule.rationale.split()))
    return lines


def statistics_lines(result: RunResult, shown: list[Finding]) -> list[str]:
    """`count  RULE  [*] name` per rule, most frequent first (ruff's --statistics)."""
    rules = {r.id: r for r in result.rules}
    counts = Counter(f.rule for f in shown)
    fixable = Counter(f.rule for f in shown if f.fixable and f.fix.value == "safe")
    width = len(str(max(counts.values(), default=0)))
    lines = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(rule_id)
        mark = "[*]" if fixable.get(rule_id) == count else "   "
        lines.append(f"{count:>{width}}\t{rule_id}\t{mark} {rule.name if rule else ''}".rstrip())
    return lines


def summary_line(result: RunResult, mode: str) -> str:
    s = summary(result)
    counts = ", ".join(f"{n} {sev}" for sev, n in s["findings"].items() if n) or "no findings"
    fixes = s["by_fix"]
    tail = f"{s['files_scanned']} files scanned: {counts}"
    if s["suppressed"]:
        tail += f" ({s['suppressed']} suppressed)"
    tail += f". Fixes: {fixes['safe']} safe, {fixes['review']} need review (--unsafe-fixes), {fixes['manual']} manual."
    fixed = sum(1 for f in result.findings if f.extra.get("fixed"))
    if mode == "fix":
        tail += f" Fixed {fixed} in {s['files_written']} files."
        remaining = sum(1 for f in result.findings if not f.suppressed and not f.extra.get("fixed"))
        if remaining:
            tail += f" {remaining} remaining."
    elif mode == "dry-run":
        tail += f" Would fix {fixed} in {s['files_changed']} files (nothing written)." if s["files_changed"] else " Nothing to fix."
    elif s["files_changed"]:
        tail += f" {s['files_changed']} files would change."
    if result.problems:
        tail += f" {len(result.problems)} files could not be processed."
    return tail


@output_format("text", "findings", "one line per finding, sorted by path and position, and a summary")
def render_text(result: RunResult, options: RenderOptions) -> Iterator[str]:
    """The report in pieces of a few thousand lines: a run with hundreds of thousands of findings
    is written as it is made, not held as one string beside its lines."""
    shown = [f for f in result.findings if options.findings and (options.show_suppressed or not f.suppressed)]
    if options.mode == "fix":  # after fixing, list what is left, as ruff does
        shown = [f for f in shown if not f.extra.get("fixed")]
    shown.sort(key=sort_key)
    lines: list[str] = []
    if options.statistics:
        lines = statistics_lines(result, [f for f in shown if not f.suppressed])
    else:
        for start in range(0, len(shown), _PIECE_LINES):
            yield "".join(finding_line(f, options.colour) + "\n" for f in shown[start : start + _PIECE_LINES])
    lines.extend(str(problem) for problem in sorted(result.problems, key=lambda p: (p.path, p.line or 0)))
    if options.show_explanations and shown and not options.statistics:
        lines.append("")
        lines.extend(_explanations(shown, result))
    if not options.quiet:
        if options.verbose:
            lines.append(f"rules: {', '.join(r.id for r in sorted(result.rules, key=lambda r: r.id))}")
        has_more = any(split_message(f.message)[1] for f in shown)
        if has_more and not options.show_explanations and not options.statistics:
            lines.append("Each rule's full explanation: --show-explanations (or `vni-migrate rules explain RULE`).")
        lines.append(summary_line(result, options.mode))
    # Not redacted here: the text is printed (the redacting stdout) or written (`write_output`), and
    # both redact; doing it twice cost an eighth of a scan with thousands of findings.
    if lines:
        yield "\n".join(lines) + "\n"


_PIECE_LINES = 4096


def render(
    result: RunResult, colour: bool = False, show_suppressed: bool = False, mode: str = "scan", findings: bool = True
) -> str:
    """The text report (kept for callers of the old signature; `mode="check"` means a dry run)."""
    mode = "dry-run" if mode == "check" else mode
    return "".join(render_text(result, RenderOptions(colour=colour, show_suppressed=show_suppressed, mode=mode, findings=findings)))
