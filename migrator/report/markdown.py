"""Render an audit document as Markdown (for pull requests, tickets and wikis)."""

from __future__ import annotations

import re
from typing import Any

from migrator.redact import redact, redact_obj
from migrator.report.html import DEADLINES, FIX_LABELS, OPEN_QUESTIONS
from migrator.report.manual_steps import SENDER_IPS

SANDBOX_TIMINGS = ("Timed against the sandbox: these are the emulator's own latency model (synthetic), "
                   "not a prediction of production.")


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, newlines or raw HTML."""
    value = redact(str(text))
    value = value.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(value.split())


def fence(body: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside `body`."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{body.rstrip(chr(10))}\n{ticks}"


def render(document: dict[str, Any], max_findings: int = 500) -> str:
    """The report as Markdown; lists at most `max_findings` findings (the counts cover all)."""
    doc = redact_obj(document)
    scan, score = doc["scan"], doc["score"]
    summary = scan.get("summary", {})
    out: list[str] = [
        f"# Migration readiness: {cell(doc['project'])}",
        "",
        f"**Readiness score: {score['value']}/100 ({score['grade']})**; {score['after_fixes']}/100 after "
        "`vni-migrate fix --unsafe-fixes`. Generated " + cell(doc["generated"]) + ".",
        "",
        ("> The old host integration.visma.net is throttled since 2026-02-01 and will be shut down; "
        "the base-URL deadline was 2025-12-31."),
        "",
    ]
    out += [f"- {date}: {text}" for date, text in DEADLINES]
    checks = doc.get("checks") or {}
    notes = [f"- {name}: {c['status']}{': ' + cell(c['detail']) if c.get('detail') else ''}"
             for name, c in checks.items() if c.get("status") != "ran"]
    if notes:
        out += ["", "Not checked:", *notes]
    by_fix = summary.get("by_fix", {})
    out += ["", "## Counts", "", "| fix | findings |", "|---|---:|"]
    out += [f"| {FIX_LABELS[k]} | {by_fix.get(k, 0)} |" for k in ("safe", "review", "manual")]
    out += ["", "| rule | findings |", "|---|---:|"]
    out += [f"| {cell(rule)} | {n} |" for rule, n in sorted(summary.get("by_rule", {}).items())]

    findings = sorted(scan.get("findings", []), key=lambda f: (f["path"], f["line"], f["rule"]))
    out += ["", "## Findings", "", "| file | line | rule | severity | fix | message |", "|---|---:|---|---|---|---|"]
    for f in findings[:max_findings]:
        sup = " (suppressed)" if f.get("suppressed") else ""
        out.append(f"| {cell(f['path'])} | {f['line']} | {cell(f['rule'])} | {f['severity']} | "
                   f"{FIX_LABELS.get(f['fix'], f['fix'])}{sup} | {cell(f['message'])} |")
    if len(findings) > max_findings:
        out.append(f"\n{len(findings) - max_findings} more findings are in the HTML and JSON reports.")

    if doc.get("diffs"):
        out += ["", "## Proposed changes", ""]
        for path, diff in sorted(doc["diffs"].items()):
            out += [f"### {cell(path)}", "", fence(diff, "diff"), ""]

    out += ["", "## Endpoint timing (240 s gateway cut)", ""]
    probe = doc.get("probe")
    if probe is None:
        out.append("Not measured (run `vni-migrate audit PATH --sandbox` or `--base-url URL`).")
    else:
        if probe.get("sandbox"):
            out += [SANDBOX_TIMINGS, ""]
        out += ["| endpoint | p50 s | p95 s | max s | predicted request s | predicted sweep s | verdict |",
                "|---|---:|---:|---:|---:|---:|---|"]
        for e in probe.get("endpoints", []):
            out.append("| " + " | ".join(cell(e.get(k, "")) if e.get(k) is not None else "" for k in (
                "endpoint", "p50", "p95", "max", "predicted_call_seconds", "predicted_sweep_seconds", "verdict")) + " |")

    out += ["", "## Allowlist", ""]
    allowlist = doc.get("allowlist")
    if allowlist is None:
        out.append(f"Not checked. Every layer in front of the listener must let {', '.join(SENDER_IPS)} through.")
    else:
        out += ["| layer | format | " + " | ".join(SENDER_IPS) + " | verdict |", "|---|---|---|---|---|---|"]
        for layer in allowlist.get("layers", []):
            missing = set(layer.get("missing") or [])
            verdict = layer.get("verdict", "UNKNOWN")
            marks = []
            for ip in SENDER_IPS:
                if verdict in ("ALLOWS", "NOT_RESTRICTING") or (verdict == "PARTIAL" and ip not in missing):
                    marks.append("yes")
                elif verdict in ("BLOCKS", "PARTIAL"):
                    marks.append("**no**")
                else:
                    marks.append(verdict.lower())
            out.append(f"| {cell(layer['path'])}:{layer.get('line')} | {cell(layer.get('format', ''))} | "
                       + " | ".join(marks) + f" | {verdict} |")

    out += ["", "## Manual steps", ""]
    for step in doc.get("manual_steps", []):
        out.append(f"- [ ] **{cell(step['title'])}**: {cell(step['detail'])}")
        out += [f"  - {cell(item)}" for item in step.get("items", [])]
    out += ["", "## Open questions (unknown)", ""]
    out += [f"- {q}" for q in OPEN_QUESTIONS]
    return "\n".join(out) + "\n"
