"""The "for Visma support" section: the probe's failed or slow transactions, ready to paste into
a support case (Visma's API support asks for the information that belongs to the transactions)."""

from __future__ import annotations

from typing import Any

SLOW_VERDICTS = {"EXCEEDS", "APPROACHING", "UNKNOWN"}
ID_KEYS = ("request_id", "correlation_id", "x_request_id", "started_at", "timestamp")


def transactions(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per failed (status >= 400 or none) or slow measurement of a slow or unknown endpoint."""
    probe = document.get("probe") or {}
    base = str(probe.get("base_url") or "https://api.finance.visma.net")
    rows: list[dict[str, Any]] = []
    for endpoint in probe.get("endpoints", []) or []:
        verdict = str(endpoint.get("verdict", ""))
        for m in endpoint.get("measurements", []) or []:
            status = m.get("status")
            failed = not isinstance(status, int) or status >= 400
            if not failed and verdict not in SLOW_VERDICTS:
                continue
            query = f"?pageNumber={m.get('page_number')}&pageSize={m.get('page_size')}" if m.get("page_size") else ""
            rows.append({
                "method": "GET",
                "url": f"{base.rstrip('/')}{endpoint.get('endpoint', '')}{query}",
                "status": status if status is not None else "no answer",
                "seconds": m.get("total"),
                "ttfb": m.get("ttfb"),
                "verdict": verdict,
                "ids": {k: m[k] for k in ID_KEYS if m.get(k)},
            })
    return rows


def support_text(document: dict[str, Any]) -> str:
    """The same rows as plain text for a support case (redacted by the caller with the page)."""
    rows = transactions(document)
    if not rows:
        return ""
    lines = [f"vni-migrate probe, report generated {document.get('generated', '')}, project {document.get('project', '')}"]
    for row in rows:
        ids = " ".join(f"{k}={v}" for k, v in row["ids"].items())
        seconds = f"{row['seconds']:.2f} s" if isinstance(row["seconds"], (int, float)) else "-"
        lines.append(f"{row['method']} {row['url']} -> {row['status']} in {seconds} ({row['verdict']}){' ' + ids if ids else ''}")
    return "\n".join(lines)
