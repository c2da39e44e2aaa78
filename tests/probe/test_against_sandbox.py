"""The probe against the emulator: predictions within 20 % of the configured latency model,
verdicts, the background round trip, Retry-After, stop on 401, budgets."""

from __future__ import annotations

import math
import time

import pytest

from migrator.probe.client import probe_client
from migrator.probe.endpoints import ProbeEndpoint
from migrator.probe.prober import ProbeOptions, probe_endpoint
from migrator.probe.sampler import AuthStop, Budget, Sampler
from migrator.probe.verdicts import Verdict
from migrator.sandbox.latency import DEFAULT_LATENCY
from migrator.sandbox.server import running_sandbox

SCALE = 0.01
RECORDS = 2500
API = "https://api.finance.visma.net"


def _model_call_and_sweep(resource: str, page_size: int) -> tuple[float, float]:
    model = DEFAULT_LATENCY[resource]
    pages = math.ceil(RECORDS / page_size)
    times = [model.seconds(min(page_size, RECORDS - i * page_size), i * page_size) for i in range(pages)]
    return times[0], sum(times)


@pytest.fixture(scope="module")
def results():
    plan = {"customer": 1000, "customerinvoice": 1000, "journaltransaction": 1000, "generalledgertransactions": 800}
    out = {}
    with running_sandbox(time_scale=SCALE, records=RECORDS) as box, \
            probe_client(API, box.issue_token(), time_scale=SCALE, inner=box.transport()) as client:
        sampler = Sampler(client, Budget(), time_scale=SCALE)
        for resource, size in plan.items():
            # two samples per size, as the probe's default: the fit keeps the fastest of each, so one
            # request stalled by a busy machine does not move the prediction
            options = ProbeOptions(repeat=2, background=resource == "customerinvoice")
            out[resource] = (size, probe_endpoint(sampler, ProbeEndpoint(f"/v1/{resource}", size, "code"), options))
    return out


@pytest.mark.parametrize("resource", ["customer", "customerinvoice", "journaltransaction", "generalledgertransactions"])
def test_predictions_within_20_percent_of_the_model(results, resource):
    size, result = results[resource]
    call, sweep = _model_call_and_sweep(resource, size)
    assert result.predicted_call_seconds == pytest.approx(call, rel=0.2)
    assert result.predicted_sweep_seconds == pytest.approx(sweep, rel=0.2)
    assert result.pages == math.ceil(RECORDS / size)
    assert result.total_count == RECORDS


def test_verdicts_follow_the_model(results):
    verdicts = {name: result.verdict for name, (_, result) in results.items()}
    assert verdicts == {"customer": Verdict.OK, "customerinvoice": Verdict.OK,
                        "journaltransaction": Verdict.APPROACHING,  # 216 s model
                        "generalledgertransactions": Verdict.EXCEEDS}  # 243 s model at 800


def test_ttfb_is_measured_separately_from_total(results):
    _, result = results["customerinvoice"]
    assert all(0 < m.ttfb <= m.total for m in result.measurements)


def test_background_round_trip_matches_synchronous_content(results):
    _, result = results["customerinvoice"]
    assert result.background is not None
    assert (result.background.status, result.background.status_code) == ("Finished", 200)
    assert result.background.content_matches is True


def test_page_size_above_max_is_predicted_at_the_cut_size():
    with running_sandbox(time_scale=0.01, records=500, max_page_size=200) as box, \
            probe_client(API, box.issue_token(), time_scale=0.01, inner=box.transport()) as client:
        result = probe_endpoint(Sampler(client, Budget(), time_scale=0.01),
                                ProbeEndpoint("/v1/customer", 1000, "code"), ProbeOptions(repeat=1, background=False))
    assert result.page_size == 200 and result.max_page_size == 200
    assert any("maxPageSize 200" in note for note in result.notes)
    assert result.predicted_call_seconds == pytest.approx(DEFAULT_LATENCY["customer"].seconds(200), rel=0.2)


def test_retry_after_is_honoured():
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with running_sandbox(time_scale=0.002, records=100, rate_limit=2, rate_window=1.0) as box, \
            probe_client(API, box.issue_token(), time_scale=0.002, inner=box.transport()) as client:
        sampler = Sampler(client, Budget(), time_scale=0.002, sleep=sleep)
        for _ in range(3):
            measurement, _ = sampler.measure("/v1/account", 1, 10)
            assert measurement.status == 200
    assert waits == [1.0]
    assert measurement.attempts == 2


def test_probe_stops_on_401():
    with running_sandbox(time_scale=0.002, records=100) as box:
        with probe_client(API, "not-a-valid-token", inner=box.transport()) as client, pytest.raises(AuthStop) as stop:
            probe_endpoint(Sampler(client, Budget()), ProbeEndpoint("/v1/customer", 100), ProbeOptions())
        assert len(box.app.requests_seen) == 1  # nothing after the 401
    assert stop.value.status == 401


def test_request_budget_limits_sampling():
    with running_sandbox(time_scale=0.002, records=100) as box:
        with probe_client(API, box.issue_token(), inner=box.transport()) as client:
            result = probe_endpoint(Sampler(client, Budget(max_requests_per_endpoint=2), time_scale=0.002),
                                    ProbeEndpoint("/v1/account", 100), ProbeOptions(repeat=3, background=False))
        assert len(box.app.requests_seen) == 2
    assert len(result.measurements) == 2
    assert any("budget" in note for note in result.notes)
