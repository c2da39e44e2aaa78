"""Which endpoints are long: the probe's measured verdicts and the project's own list.

`--timings probe.json` (written by `vni-migrate probe --json`, schema in
`migrator/probe/json_report.py`) becomes `settings["timings"]`: plain data, so worker processes
receive it::

    {"v1/generalledgertransactions": {"verdict": "EXCEEDS", "recommend_background": true,
                                      "predicted_call_seconds": 303.0, "p95": 301.2}}

`[tool.vni-migrate] background = ["v1/generalLedgerTransactions", ...]` arrives as
`settings["background"]`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_KEPT = ("verdict", "recommend_background", "predicted_call_seconds", "predicted_worst_call_seconds", "p95", "max")


def endpoint_key(endpoint: str) -> str:
    """`/v1/generalLedgerTransactions` -> `v1/generalledgertransactions` (the form rules compare)."""
    return endpoint.strip().strip("/").lower()


def load_timings(path: Path) -> dict[str, dict[str, Any]]:
    """Endpoint verdicts from a probe JSON file; raises ValueError naming what is wrong."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("schema_version") != 1 or not isinstance(document.get("endpoints"), list):
        raise ValueError(f"{path}: not a probe result (expected schema_version 1 with 'endpoints'; see `vni-migrate probe --json`)")
    timings: dict[str, dict[str, Any]] = {}
    for entry in document["endpoints"]:
        if isinstance(entry, dict) and isinstance(entry.get("endpoint"), str):
            timings[endpoint_key(entry["endpoint"])] = {k: entry.get(k) for k in _KEPT}
    return timings


def background_list(settings: dict[str, Any]) -> set[str]:
    return {endpoint_key(str(e)) for e in settings.get("background") or () if str(e).strip()}


def measured_long(settings: dict[str, Any], endpoint: str | None) -> dict[str, Any] | None:
    """The probe's entry for `endpoint` if it says the call belongs in the background, else None."""
    entry = (settings.get("timings") or {}).get(endpoint or "")
    if entry and (entry.get("recommend_background") or entry.get("verdict") in ("EXCEEDS", "APPROACHING")):
        return dict(entry)
    return None


def measured_ok(settings: dict[str, Any], endpoint: str | None) -> dict[str, Any] | None:
    entry = (settings.get("timings") or {}).get(endpoint or "")
    return dict(entry) if entry and entry.get("verdict") == "OK" else None
