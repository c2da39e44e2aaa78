"""The fleet view: one row per repository across many saved audits."""

from __future__ import annotations

from typing import Any

from migrator.report.score import endpoint_seconds

ALLOWLIST_ORDER = ("BLOCKS", "PARTIAL", "SEES_PROXY_IP", "UNKNOWN", "ALLOWS", "NOT_RESTRICTING")


def worst_endpoint(document: dict[str, Any]) -> tuple[str, float | None]:
    """The slowest endpoint by predicted request time ('not measured' without a probe)."""
    probe = document.get("probe")
    if probe is None:
        return "not measured", None
    timed = [(endpoint_seconds(e), str(e.get("endpoint", "?"))) for e in probe.get("endpoints", [])]
    timed = [(s, name) for s, name in timed if s is not None]
    if not timed:
        return "none timed", None
    seconds, name = max(timed)
    return name, seconds


def allowlist_status(document: dict[str, Any]) -> str:
    """The worst layer verdict, 'no layers found', or 'not checked'."""
    allowlist = document.get("allowlist")
    if allowlist is None:
        return "not checked"
    verdicts = {layer.get("verdict") for layer in allowlist.get("layers", [])}
    for verdict in ALLOWLIST_ORDER:
        if verdict in verdicts:
            return verdict
    return "no layers found"


def fleet_row(document: dict[str, Any], source: str) -> dict[str, Any]:
    """One repository's row: score, counts, worst endpoint, allowlist status."""
    summary = document["scan"].get("summary", {})
    by_fix = summary.get("by_fix", {})
    by_sev = summary.get("findings", {})
    endpoint, seconds = worst_endpoint(document)
    return {
        "project": document["project"],
        "source": source,
        "generated": document["generated"],
        "score": document["score"]["value"],
        "after_fixes": document["score"]["after_fixes"],
        "grade": document["score"]["grade"],
        "error": by_sev.get("error", 0),
        "warning": by_sev.get("warning", 0),
        "info": by_sev.get("info", 0),
        "safe": by_fix.get("safe", 0),
        "review": by_fix.get("review", 0),
        "manual": by_fix.get("manual", 0),
        "worst_endpoint": endpoint,
        "worst_seconds": seconds,
        "allowlist": allowlist_status(document),
    }


def fleet_rows(documents: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows for (source file, audit document) pairs, lowest score first."""
    rows = [fleet_row(document, source) for source, document in documents]
    return sorted(rows, key=lambda r: (r["score"], r["project"]))
