"""Render an audit document (or a fleet of them) as one self-contained HTML file.

Everything is inline (CSS, JS, SVG); nothing is fetched, so the page works from file:// and
offline. The Content-Security-Policy allows only the page's own <style> and <script>, named
by their sha256 hashes computed here at render time, so injected markup could not run even if
escaping failed. Jinja2 autoescaping escapes all data; no data is ever placed inside <script>.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from migrator.redact import redact, redact_obj
from migrator.report import score as score_module
from migrator.report.first_steps import first_steps
from migrator.report.manual_steps import SENDER_IPS
from migrator.report.support import support_text, transactions
from migrator.report.templates_dir import environment

FIX_LABELS = {"safe": "automatic fix", "review": "fix to review", "manual": "manual"}  # a dry run: nothing is fixed yet
OPEN_QUESTIONS = (
    "Whether api.finance.visma.net still accepts the legacy /API/controller/api/ prefix.",
    "The exact status code and body of the 4-minute (240 s) cut.",
    "The webhook body of BACKGROUND_API_RESPONSE (most likely it mirrors the background state document).",
    "The final shutdown date of integration.visma.net.",
)
DEADLINES = (
    ("2025-04-30", ("Deprecated: 4-minute synchronous calls, http webhook URLs, the webhook-subscription "
                   "endpoints, erp-api-background: <URL>.")),
    ("2025-12-31", "Deadline to change the base URL to https://api.finance.visma.net/."),
    ("2026-02-01", ("integration.visma.net throttled to 500 calls/hour per application, then reduced step by "
                   "step until it is shut down (final date not announced).")),
)


def _sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str) -> str:
    """A CSP that allows exactly this page's inline style and script, and no network at all."""
    return (
        f"default-src 'none'; style-src {_sha256_source(css)}; script-src {_sha256_source(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


# -- view models ---------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    seconds: float
    y: int
    width: float
    css: str


@dataclass
class Chart:
    endpoint: str
    bars: list[Bar]
    cut_x: float
    scale_max: float
    ticks: list[tuple[float, int]]
    height: int
    verdict: str
    sweep: float | None
    samples: Any
    roundtrip: Any


CHART_LEFT, CHART_WIDTH, BAR_HEIGHT, ROW = 130, 450, 16, 24


def _chart(endpoint: dict[str, Any]) -> Chart:
    values = [
        ("p50", endpoint.get("p50")),
        ("p95", endpoint.get("p95")),
        ("max", endpoint.get("max")),
        ("predicted request", endpoint.get("predicted_call_seconds")),
    ]
    known = [(label, float(v)) for label, v in values if isinstance(v, (int, float))]
    scale_max = max([300.0] + [v * 1.1 for _, v in known])
    step = 60 if scale_max <= 600 else 120 if scale_max <= 1200 else 600
    bars = []
    for i, (label, seconds) in enumerate(known):
        css = "bar-over" if seconds >= score_module.GATEWAY_CUT_SECONDS else (
            "bar-near" if seconds >= score_module.NEAR_CUT_SECONDS else "bar")
        bars.append(Bar(label, seconds, 20 + i * ROW, max(1.0, CHART_WIDTH * seconds / scale_max), css))
    ticks = [(CHART_LEFT + CHART_WIDTH * t / scale_max, t) for t in range(0, int(scale_max) + 1, step)]
    sweep = endpoint.get("predicted_sweep_seconds")
    return Chart(
        endpoint=str(endpoint.get("endpoint", "?")),
        bars=bars,
        cut_x=CHART_LEFT + CHART_WIDTH * score_module.GATEWAY_CUT_SECONDS / scale_max,
        scale_max=scale_max,
        ticks=ticks,
        height=20 + max(1, len(bars)) * ROW + 22,
        verdict=str(endpoint.get("verdict") or "unknown"),
        sweep=float(sweep) if isinstance(sweep, (int, float)) else None,
        samples=endpoint.get("samples"),
        roundtrip=endpoint.get("background_roundtrip"),
    )


def _ip_cells(layer: dict[str, Any]) -> list[tuple[str, str]]:
    """(css class, text) per sender IP for one allowlist layer."""
    verdict = str(layer.get("verdict", "UNKNOWN"))
    missing = set(layer.get("missing") or [])
    cells = []
    for ip in SENDER_IPS:
        if verdict in ("ALLOWS", "NOT_RESTRICTING"):
            cells.append(("cell-yes", "✓ passes" if verdict == "ALLOWS" else "✓ not filtered"))
        elif verdict == "BLOCKS" or (verdict == "PARTIAL" and ip in missing):
            cells.append(("cell-no", "✗ blocked"))
        elif verdict == "PARTIAL":
            cells.append(("cell-yes", "✓ passes"))
        elif verdict == "SEES_PROXY_IP":
            cells.append(("cell-no", "⚠ sees proxy IP"))
        else:
            cells.append(("cell-unknown", "? unknown"))
    return cells


def _text(value: str) -> str:
    """Escape for an HTML text node (quotes need no escaping there; keeps big reports small)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code_html(document: dict[str, Any], finding: dict[str, Any]) -> Markup | None:
    """The escaped code around a finding, its own lines marked, as the body of a <pre>."""
    block = (document.get("context") or {}).get(f"{finding['path']}:{finding['line']}")
    if not block:
        return None
    start, end_line = int(block["start"]), int(finding.get("end_line") or finding["line"])
    out = []
    for i, text in enumerate(block["lines"]):
        number = start + i
        line = f"{number:5d}  {_text(text)}"
        out.append(f'<span class="hit">{line}</span>' if finding["line"] <= number <= end_line else line)
    return Markup("\n".join(out))


def _diff_html(diff: str) -> tuple[int, Markup]:
    """(line count, escaped diff with added/removed/hunk lines marked) for a <pre>."""
    out = []
    lines = diff.splitlines()
    for line in lines:
        css = "hunk" if line.startswith(("+++", "---", "@@")) else "add" if line.startswith("+") else (
            "del" if line.startswith("-") else "")
        out.append(f'<span class="{css}">{_text(line)}</span>' if css else _text(line))
    return len(lines), Markup("\n".join(out))


def _inline(text: str) -> str:
    """Escaped text with `code` spans (the only inline Markdown the score definition uses)."""
    parts = text.split("`")
    return "".join(f"<code>{_text(p)}</code>" if i % 2 else _text(p) for i, p in enumerate(parts))


def definition_html(markdown: str) -> Markup:
    """The score definition (Markdown paragraphs and one table) as HTML: a customer reads a table,
    not pipes and dashes. Everything is escaped; only <p>, <table> and <code> are produced."""
    out: list[str] = []
    for block in markdown.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith("|") for line in lines):
            rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
            body = [r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r)]
            head = "".join(f'<th scope="col">{_inline(c)}</th>' for c in rows[0])
            cells = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in body)
            out.append(f'<table class="defn-table"><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>')
        elif lines:
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
    return Markup("\n".join(out))


def rule_titles() -> dict[str, str]:
    """Rule id -> title of the bundled rules (shown beside bare ids)."""
    try:
        from migrator.codemods import KINDS
        from migrator.rulefile import load_rules

        return {r.id: r.title for r in load_rules((), KINDS)}
    except Exception:  # noqa: BLE001 - titles are a courtesy; a report renders without them
        return {}


def audit_view(document: dict[str, Any]) -> dict[str, Any]:
    """Everything the audit template shows, precomputed (the template only lays it out)."""
    document = redact_obj(document)
    scan = document["scan"]
    findings = scan.get("findings", [])
    files: dict[str, dict[str, Any]] = {}
    for finding in findings:
        entry = files.setdefault(finding["path"], {"path": finding["path"], "error": 0, "warning": 0, "info": 0,
                                                   "total": 0, "suppressed": 0})
        if finding.get("suppressed"):
            entry["suppressed"] += 1
        else:
            entry[finding["severity"]] = entry.get(finding["severity"], 0) + 1
            entry["total"] += 1
    for path in document.get("diffs") or {}:
        files.setdefault(path, {"path": path, "error": 0, "warning": 0, "info": 0, "total": 0, "suppressed": 0})
    ordered = sorted(files.values(), key=lambda f: f["path"])
    for index, entry in enumerate(ordered):
        entry["anchor"] = f"file-{index}"
        entry["diff_lines"], entry["diff"] = _diff_html(document.get("diffs", {}).get(entry["path"], ""))
    anchors = {entry["path"]: entry["anchor"] for entry in ordered}
    rows = [
        {**finding, "anchor": anchors[finding["path"]], "code": _code_html(document, finding),
         "fix_label": FIX_LABELS.get(finding["fix"], finding["fix"])}
        for finding in sorted(findings, key=lambda f: (f["path"], f["line"], f["column"], f["rule"]))
    ]
    summary = scan.get("summary", {})
    by_fix = summary.get("by_fix", {})
    allowlist = document.get("allowlist")
    layers = [{**layer, "cells": _ip_cells(layer)} for layer in (allowlist or {}).get("layers", [])]
    probe = document.get("probe")
    charts = [_chart(e) for e in (probe or {}).get("endpoints", [])]
    return {
        "doc": document,
        "score": document["score"],
        "score_definition": definition_html(score_module.DEFINITION),
        "summary": summary,
        "by_rule": sorted(summary.get("by_rule", {}).items()),
        "rule_titles": rule_titles(),
        "first_steps": first_steps(document),
        "support_rows": transactions(document),
        "support_text": support_text(document),
        "fix_counts": [(key, FIX_LABELS[key], by_fix.get(key, 0)) for key in ("safe", "review", "manual")],
        "severity_counts": [(key, summary.get("findings", {}).get(key, 0)) for key in ("error", "warning", "info")],
        "rules": sorted({f["rule"] for f in findings}),
        "rows": rows,
        "files": ordered,
        "layers": layers,
        "allowlist": allowlist,
        "charts": charts,
        "probe": probe,
        "checks": document.get("checks") or {},
        "sender_ips": SENDER_IPS,
        "deadlines": DEADLINES,
        "open_questions": OPEN_QUESTIONS,
        "cut_seconds": int(score_module.GATEWAY_CUT_SECONDS),
        "chart_left": CHART_LEFT,
        "chart_width": CHART_WIDTH,
        "bar_height": BAR_HEIGHT,
        "problems": scan.get("problems", []),
    }


def _render(template_name: str, view: dict[str, Any]) -> str:
    env = environment()
    css = env.get_template("report.css.j2").render()
    js = env.get_template("report.js.j2").render()
    html = env.get_template(template_name).render(
        css=css, js=js, csp=content_security_policy(css, js), redact=redact, **view
    )
    return html


def render_audit(document: dict[str, Any]) -> str:
    """One audit document as a self-contained HTML page."""
    return _render("audit.html.j2", audit_view(document))


def render_fleet(rows: list[dict[str, Any]], generated: str) -> str:
    """The fleet page: one row per repository (see `merge.fleet_rows`)."""
    view = {
        "rows": redact_obj(rows),
        "generated": generated,
        "score_definition": definition_html(score_module.DEFINITION),
        "deadlines": DEADLINES,
        "sender_ips": SENDER_IPS,
    }
    return _render("fleet.html.j2", view)
