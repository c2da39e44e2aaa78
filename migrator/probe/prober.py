"""The plan per endpoint: sample 2-3 page sizes, one deep page, fit, predict, judge, round-trip.

Requests go one at a time (timings are the point; parallel requests would inflate them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from migrator.probe.background_roundtrip import RoundTrip, background_roundtrip
from migrator.probe.endpoints import ProbeEndpoint
from migrator.probe.fitting import (
    LinearFit,
    fit_line,
    per_offset_from_deep_sample,
    predict_sweep,
)
from migrator.probe.sampler import (
    AuthStop,
    BudgetExhausted,
    Measurement,
    Sampler,
    Throttled,
)
from migrator.probe.verdicts import Verdict, verdict_for

DEFAULT_PAGE_SIZE = 1000
Progress = Callable[[str], None]


@dataclass
class ProbeOptions:
    gateway_limit: float = 240.0
    repeat: int = 2
    sample_sizes: list[int] | None = None  # default: 1/8, 1/4 and 1/2 of the integration's page size
    background: bool = True
    max_polls: int = 60


@dataclass
class EndpointResult:
    endpoint: ProbeEndpoint
    page_size: int | None = None  # what the prediction is for (after the maxPageSize cut)
    page_size_source: str = "unknown"
    total_count: int | None = None
    max_page_size: int | None = None
    measurements: list[Measurement] = field(default_factory=list)
    fit: LinearFit | None = None
    per_offset_record: float = 0.0
    predicted_call_seconds: float | None = None
    predicted_worst_call_seconds: float | None = None
    predicted_sweep_seconds: float | None = None
    pages: int | None = None
    verdict: Verdict = Verdict.UNKNOWN
    background: RoundTrip | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok_samples(self) -> list[Measurement]:
        return [m for m in self.measurements if m.status == 200 and not m.truncated and not m.warmup]

    @property
    def durations(self) -> list[float]:
        return [m.total for m in self.measurements if m.status in (200, 504) and not m.warmup]

    @property
    def cut_seen(self) -> bool:
        return any(m.status == 504 for m in self.measurements)


def sample_sizes_for(page_size: int, explicit: list[int] | None) -> list[int]:
    if explicit:
        return sorted({min(s, page_size) for s in explicit if s > 0})
    sizes = sorted({max(1, page_size // 8), max(1, page_size // 4), max(1, page_size // 2)})
    return sizes if len(sizes) >= 2 else sorted({1, page_size})


def probe_endpoint(sampler: Sampler, endpoint: ProbeEndpoint, options: ProbeOptions,
                   progress: Progress = lambda _: None) -> EndpointResult:
    """Measure one endpoint within the sampler's budget; AuthStop propagates (the run must stop)."""
    result = EndpointResult(endpoint)
    sampler.budget.used = 0
    first_bodies: dict[int, Any] = {}

    def take(page_number: int, size: int) -> Measurement:
        measurement, data = sampler.measure(endpoint.path, page_number, size)
        result.measurements.append(measurement)
        if measurement.total_count is not None:
            result.total_count = measurement.total_count
        if measurement.max_page_size is not None:
            result.max_page_size = measurement.max_page_size
        if page_number == 1 and size not in first_bodies and measurement.status == 200:
            first_bodies[size] = data
        progress(f"{endpoint.path} page {page_number} x{size}: {measurement.total:.2f} s "
                 f"(first byte {measurement.ttfb:.2f} s, HTTP {measurement.status})")
        return measurement

    wanted = endpoint.page_size or DEFAULT_PAGE_SIZE
    try:
        sizes = sample_sizes_for(wanted, options.sample_sizes)
        take(1, sizes[0]).warmup = True  # discovers maxPageSize/totalCount; pays connection set-up, so not fitted
        effective = min(wanted, result.max_page_size or wanted)
        if effective != wanted:
            result.notes.append(f"page size {wanted} is cut to maxPageSize {effective}")
            sizes = sample_sizes_for(effective, options.sample_sizes)
        plan = [s for _ in range(max(1, options.repeat)) for s in sizes]
        for size in plan:
            take(1, size)
        smallest = sizes[0]
        if result.total_count and result.total_count > smallest:
            deep = take(math.ceil(result.total_count / smallest), smallest)
        else:
            deep = None
    except (BudgetExhausted, Throttled) as exc:
        result.notes.append(f"sampling stopped: {exc}")
        effective, deep = min(wanted, result.max_page_size or wanted), None
    result.page_size = effective
    result.page_size_source = endpoint.page_size_source if endpoint.page_size else (
        "maxPageSize" if result.max_page_size else "default")

    shallow = [m for m in result.ok_samples if m.page_number == 1 and m.records is not None]
    result.fit = fit_line([float(m.records or 0) for m in shallow], [m.total for m in shallow])
    if result.fit is not None:
        if deep is not None and deep.status == 200 and deep.records is not None:
            offset = (deep.page_number - 1) * deep.page_size
            result.per_offset_record = per_offset_from_deep_sample(result.fit, deep.records, offset, deep.total)
        total = result.total_count
        call_records = min(effective, total) if total is not None else effective
        result.predicted_call_seconds = result.fit.at(call_records)
        if total is not None:
            sweep = predict_sweep(result.fit, result.per_offset_record, total, effective)
            result.predicted_sweep_seconds, result.pages = sweep.sweep_seconds, sweep.pages
            result.predicted_worst_call_seconds = sweep.worst_call_seconds
        else:
            result.predicted_worst_call_seconds = result.predicted_call_seconds
            result.notes.append("totalCount not returned: full-sweep time unknown")
    elif not result.cut_seen:
        result.notes.append("fewer than two page sizes measured: no prediction")
    observed = max(result.durations, default=None)
    worst = max((v for v in (observed, result.predicted_worst_call_seconds) if v is not None), default=None)
    result.verdict = verdict_for(worst, options.gateway_limit, result.cut_seen)

    if options.background and first_bodies:
        size = min(first_bodies)
        try:
            expected = result.fit.at(size) if result.fit else 1.0
            result.background = background_roundtrip(sampler, endpoint.path, {"pageNumber": 1, "pageSize": size},
                                                     first_bodies[size], expected, options.max_polls)
        except (BudgetExhausted, Throttled) as exc:
            result.background = RoundTrip("skipped", detail=str(exc))
        except AuthStop:
            raise
        bg = result.background
        progress(f"{endpoint.path} background round trip: {bg.status} "
                 f"{'' if bg.content_matches is None else ('content matches' if bg.content_matches else 'CONTENT DIFFERS')}")
    return result


def unmeasured_reason(results: list[EndpointResult]) -> str | None:
    """Why no endpoint could be measured (every answer a redirect, an error or throttling), or None
    when at least one was. A run that measured nothing must not pass as "no problem found"."""
    if not results or any(m.status in (200, 504) and not m.truncated for r in results for m in r.measurements):
        return None
    seen: dict[int, int] = {}
    for r in results:
        for m in r.measurements:
            seen[m.status] = seen.get(m.status, 0) + 1
    answers = ", ".join(f"HTTP {status} x{count}" for status, count in sorted(seen.items()))
    stops = sorted({note for r in results for note in r.notes if note.startswith("sampling stopped")})
    because = answers or "no answer"
    if stops:
        because += f"; {stops[0]}"
    return f"no endpoint could be measured ({because})"
