"""API Management cuts a synchronous call at --gateway-limit; VNI did not; small pages pass."""

from __future__ import annotations

import time

from migrator.sandbox.latency import DEFAULT_LATENCY

from .conftest import API, VNI, vni_token


def test_long_call_is_cut_like_a_gateway_timeout(sandbox):
    # 300 GL records: 3 + 0.3 * 300 = 93 model seconds; with a 60 s limit it must be cut
    sandbox.config.gateway_limit = 60
    token = sandbox.issue_token()
    with sandbox.client() as client:
        start = time.perf_counter()
        response = client.get(f"{API}/v1/generalledgertransactions", params={"pageSize": 1000},
                              headers={"Authorization": f"Bearer {token}"})
        elapsed = time.perf_counter() - start
    assert response.status_code == 504
    assert "background" in response.json()["message"]
    assert response.headers["X-Sandbox-Cut"] == "60"
    assert elapsed >= 60 * sandbox.config.time_scale * 0.9  # waited until the cut, not the full 93 s


def test_call_under_the_limit_is_answered(sandbox):
    sandbox.config.gateway_limit = 60
    token = sandbox.issue_token()
    with sandbox.client() as client:
        response = client.get(f"{API}/v1/generalledgertransactions", params={"pageSize": 100},
                              headers={"Authorization": f"Bearer {token}"})
    assert DEFAULT_LATENCY["generalledgertransactions"].seconds(100) < 60
    assert response.status_code == 200 and len(response.json()) == 100


def test_vni_has_no_cut(sandbox):
    sandbox.config.gateway_limit = 60
    with sandbox.client() as client:
        response = client.get(f"{VNI}/v1/generalledgertransactions", params={"pageSize": 1000},
                              headers={"Authorization": f"Bearer {vni_token(client)}", "ipp-company-id": "1234567"})
    assert response.status_code == 200 and len(response.json()) == 300


def test_latency_model_is_slept(sandbox):
    token = sandbox.issue_token()
    model = DEFAULT_LATENCY["journaltransaction"].seconds(200)  # 47.2 model s -> 0.094 real s
    with sandbox.client() as client:
        start = time.perf_counter()
        client.get(f"{API}/v1/journaltransaction", params={"pageSize": 200}, headers={"Authorization": f"Bearer {token}"})
        elapsed = time.perf_counter() - start
    assert elapsed >= model * sandbox.config.time_scale * 0.9
