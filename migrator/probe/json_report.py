"""`--json FILE`: the probe's machine-readable result, read by the long-call rule and the HTML report.

Contract (schema_version 1; fields are only ever added)::

    {"schema_version": 1, "tool": "vni-migrate probe", "base_url": str, "sandbox": bool,
     "time_scale": float, "gateway_limit": float,
     "thresholds": {"approaching": float, "exceeds": float},
     "stopped": str | null,            # why the run stopped early (401/403, budget), else null
     "caveats": [str],
     "endpoints": [{
        "endpoint": "/v1/customer", "sources": ["src/x.py:12"],
        "page_size": int, "page_size_source": "code"|"option"|"maxPageSize"|"default",
        "total_count": int|null, "max_page_size": int|null,
        "samples": int,                 # timed list requests (the warm-up request excluded)
        "p50": s, "p95": s, "max": s,   # total seconds per request, all samples
        "ttfb_p50": s, "total_p50": s,  # time to first byte vs total
        "fit": {"intercept": s, "per_record": s, "per_offset_record": s, "r2": float|null} | null,
        "predicted_call_seconds": s|null,        # first page at the integration's page size
        "predicted_worst_call_seconds": s|null,  # deepest page of the sweep
        "predicted_sweep_seconds": s|null, "pages": int|null,
        "verdict": "OK"|"APPROACHING"|"EXCEEDS"|"UNKNOWN", "recommend_background": bool,
        "background_roundtrip": {"status", "statusCode", "content_matches", "seconds", "polls", "detail"} | null,
        "measurements": [{"page_number", "page_size", "status", "ttfb", "total", "bytes", "truncated",
                          "attempts", "records", "warmup"}],
        "notes": [str]}]}

All seconds are model seconds (real seconds / time_scale). No token or secret is ever written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from migrator.output.redaction import redact_data, write_output
from migrator.probe.fitting import percentile
from migrator.probe.prober import EndpointResult
from migrator.probe.verdicts import APPROACHING_FRACTION, is_failing

SCHEMA_VERSION = 1
CAVEATS = [
    "Timings depend on time of day, caching (first call cold, later warm) and where the probe runs.",
    "Few sequential samples: percentiles are rough; the max and the prediction drive the verdict.",
    "The 240 s cut applies per request; the sweep time matters for jobs that walk every page.",
]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def endpoint_json(result: EndpointResult) -> dict[str, Any]:
    durations = result.durations
    ttfbs = [m.ttfb for m in result.measurements if m.status in (200, 504) and not m.warmup]
    fit = result.fit
    return {
        "endpoint": result.endpoint.path,
        "sources": list(result.endpoint.sources),
        "page_size": result.page_size,
        "page_size_source": result.page_size_source,
        "total_count": result.total_count,
        "max_page_size": result.max_page_size,
        "samples": len(durations),
        "p50": _r(percentile(durations, 50)),
        "p95": _r(percentile(durations, 95)),
        "max": _r(max(durations, default=None)),
        "ttfb_p50": _r(percentile(ttfbs, 50)),
        "total_p50": _r(percentile(durations, 50)),
        "fit": None if fit is None else {"intercept": round(fit.intercept, 4), "per_record": round(fit.slope, 6),
                                         "per_offset_record": round(result.per_offset_record, 8),
                                         "r2": None if fit.r2 is None else round(fit.r2, 4)},
        "predicted_call_seconds": _r(result.predicted_call_seconds),
        "predicted_worst_call_seconds": _r(result.predicted_worst_call_seconds),
        "predicted_sweep_seconds": _r(result.predicted_sweep_seconds),
        "pages": result.pages,
        "verdict": result.verdict.value,
        "recommend_background": is_failing(result.verdict),
        "background_roundtrip": result.background.to_json() if result.background else None,
        "measurements": [m.to_json() for m in result.measurements],
        "notes": list(result.notes),
    }


def report_json(results: list[EndpointResult], *, base_url: str, sandbox: bool, time_scale: float,
                gateway_limit: float, stopped: str | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "vni-migrate probe",
        "base_url": base_url,
        "sandbox": sandbox,
        "time_scale": time_scale,
        "gateway_limit": gateway_limit,
        "thresholds": {"approaching": APPROACHING_FRACTION * gateway_limit, "exceeds": gateway_limit},
        "stopped": stopped,
        "caveats": CAVEATS,
        "endpoints": [endpoint_json(r) for r in results],
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    write_output(path, json.dumps(redact_data(document), indent=2) + "\n")  # redacted, atomic
