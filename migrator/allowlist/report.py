"""Text and JSON rendering of an audit."""

from __future__ import annotations

import json

from migrator.allowlist.model import AuditResult, Verdict

_MARK = {
    Verdict.ALLOWS: "ok",
    Verdict.NOT_RESTRICTING: "ok",
    Verdict.BLOCKS: "BLOCKS",
    Verdict.PARTIAL: "PARTIAL",
    Verdict.UNKNOWN: "UNKNOWN",
    Verdict.SEES_PROXY_IP: "SEES_PROXY_IP",
}


def render_json(result: AuditResult) -> str:
    return json.dumps(result.to_json(), indent=2, sort_keys=False) + "\n"


def render_text(result: AuditResult) -> str:
    lines = [f"Webhook listener: {result.listener}"]
    if not result.layers:
        lines.append("No inbound allowlist found: nothing restricts the webhook senders.")
    for layer in result.layers:
        lines.append(f"{layer.path}:{layer.line}: {layer.verdict.value} [{layer.format}] {layer.scope}")
        if layer.missing:
            lines.append(f"    missing: {', '.join(layer.missing)}")
        if layer.detail:
            lines.append(f"    {layer.detail}")
        if layer.edits:
            lines.append("    fixable: `vni-migrate allowlist --fix` adds the missing addresses")
        elif layer.manual_lines:
            lines.append("    add by hand: " + " | ".join(layer.manual_lines))
    for problem in result.problems:
        lines.append(f"error: {problem}")
    counts: dict[str, int] = {}
    for layer in result.layers:
        counts[layer.verdict.value] = counts.get(layer.verdict.value, 0) + 1
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "0 layers"
    lines.append(f"{len(result.layers)} layer(s): {summary}")
    return "\n".join(lines) + "\n"
