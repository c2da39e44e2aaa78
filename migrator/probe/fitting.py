"""Statistics and extrapolation: percentiles, `t = c + d*records`, and the full-sweep sum.

The cut applies per request, so the call at the integration's page size is predicted from a line
fitted over 2-3 sampled page sizes; a deep-page sample adds a per-skipped-record term so offset
paging that slows with depth is not missed in the sweep (`T = sum of t(page_i)`).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), inclusive method; None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


@dataclass(frozen=True)
class LinearFit:
    intercept: float  # seconds per request whatever its size
    slope: float  # seconds per record returned
    r2: float | None

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def fit_line(xs: list[float], ys: list[float]) -> LinearFit | None:
    """Least squares over at least two distinct x; a negative slope (noise) is flattened to the mean.

    Of repeated samples at one x only the fastest is fitted: a stall on the way (the network, a
    busy machine) only ever adds time to a request, so the fastest is the nearest to the server's
    own cost, and one stalled small page would otherwise tilt the line and under-predict the
    large page the integration asks for.
    """
    fastest: dict[float, float] = {}
    for x, y in zip(xs, ys):
        fastest[x] = min(y, fastest.get(x, y))
    if len(fastest) < 2:
        return None
    xs, ys = list(fastest), list(fastest.values())
    slope, intercept = statistics.linear_regression(xs, ys)
    if slope < 0:
        return LinearFit(statistics.fmean(ys), 0.0, None)
    mean = statistics.fmean(ys)
    total = sum((y - mean) ** 2 for y in ys)
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    r2 = 1 - residual / total if total > 0 else None
    return LinearFit(intercept, slope, r2)


@dataclass(frozen=True)
class SweepPrediction:
    pages: int
    sweep_seconds: float
    first_call_seconds: float
    worst_call_seconds: float


def predict_sweep(fit: LinearFit, per_offset_record: float, total: int, page_size: int) -> SweepPrediction:
    """Sum the predicted time of every page of a full walk at `page_size` over `total` records."""
    pages = max(1, math.ceil(total / page_size)) if total else 1
    times = []
    for index in range(pages):
        records = min(page_size, total - index * page_size) if total else 0
        times.append(fit.at(records) + per_offset_record * index * page_size)
    return SweepPrediction(pages, sum(times), times[0], max(times))


def per_offset_from_deep_sample(fit: LinearFit, records: int, offset: int, seconds: float,
                                noise_fraction: float = 0.1) -> float:
    """Seconds per skipped record, from one deep-page sample; 0 when within noise of the flat fit."""
    expected = fit.at(records)
    excess = seconds - expected
    if offset <= 0 or excess <= noise_fraction * max(expected, 1e-9):
        return 0.0
    return excess / offset
