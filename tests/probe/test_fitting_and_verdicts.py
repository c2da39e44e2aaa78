"""Statistics, extrapolation, Retry-After parsing and verdict thresholds."""

from __future__ import annotations

import datetime as dt

import pytest

from migrator.probe.fitting import (
    LinearFit,
    fit_line,
    per_offset_from_deep_sample,
    percentile,
    predict_sweep,
)
from migrator.probe.throttling import retry_after_seconds
from migrator.probe.verdicts import Verdict, verdict_for


def test_line_fit_recovers_fixed_and_per_record_cost():
    fit = fit_line([125, 250, 500, 125], [3.5, 6.0, 11.0, 3.5])
    assert fit is not None
    assert fit.intercept == pytest.approx(1.0) and fit.slope == pytest.approx(0.02)
    assert fit.at(1000) == pytest.approx(21.0)


def test_a_stalled_repeat_does_not_tilt_the_fit():
    # customerinvoice's model (1 s + 0.08 s/record) sampled twice per size; one small-page
    # sample stalled by 10 s: fitting every sample predicts 1000 records about 25 % low
    xs = [125, 250, 500, 125, 250, 500]
    ys = [11.0, 21.0, 41.0, 21.0, 21.0, 41.0]
    fit = fit_line(xs, ys)
    assert fit is not None
    assert fit.at(1000) == pytest.approx(81.0)


def test_fit_needs_two_distinct_sizes():
    assert fit_line([100, 100], [1.0, 1.1]) is None


def test_sweep_with_offset_slowdown_matches_the_worked_example():
    # t(page) = 1.95 + 0.049 * page over 200 pages: 1365 s, not mean * N
    sweep = predict_sweep(LinearFit(1.95, 0.0, None), per_offset_record=0.049, total=200, page_size=1)
    assert sweep.pages == 200
    assert sweep.sweep_seconds == pytest.approx(1365.1, abs=0.1)
    assert sweep.worst_call_seconds == pytest.approx(1.95 + 0.049 * 199)


def test_deep_sample_within_noise_is_flat():
    fit = LinearFit(1.0, 0.01, None)
    assert per_offset_from_deep_sample(fit, 100, 10000, 2.05) == 0.0
    assert per_offset_from_deep_sample(fit, 100, 10000, 12.0) == pytest.approx(0.001)


def test_percentiles():
    assert percentile([], 50) is None
    assert percentile([4.0], 95) == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0


@pytest.mark.parametrize(("seconds", "cut", "verdict"), [
    (None, False, Verdict.UNKNOWN), (100.0, False, Verdict.OK), (191.9, False, Verdict.OK),
    (192.0, False, Verdict.APPROACHING), (239.9, False, Verdict.APPROACHING), (240.0, False, Verdict.EXCEEDS),
    (10.0, True, Verdict.EXCEEDS),
])
def test_verdict_thresholds(seconds, cut, verdict):
    assert verdict_for(seconds, 240.0, cut) is verdict


def test_retry_after_seconds_and_http_date():
    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
