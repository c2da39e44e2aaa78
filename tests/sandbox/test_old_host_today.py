"""integration.visma.net as it answers today (since 2026-02-01), and the pre-2025 mode for legacy comparisons."""

from __future__ import annotations

import time

from migrator.sandbox.server import running_sandbox

from .conftest import FAST, VNI, vni_token

RESOURCES = "https://integration.visma.net/API/resources/v1"
TOKEN = "https://integration.visma.net/API/security/api/v2/token"


def test_throttle_per_application_scaled():
    # 500 calls per hour, scaled to 5 per second
    with running_sandbox(vni_rate_limit=5, vni_rate_window=1.0, **FAST) as box, box.client() as client:
        app_a, app_b = vni_token(client, "app-a"), vni_token(client, "app-b")
        answers = [client.get(f"{VNI}/v1/account", params={"pageSize": 1}, headers={"Authorization": f"Bearer {app_a}"})
                   for _ in range(6)]
        other_app = client.get(f"{VNI}/v1/account", params={"pageSize": 1}, headers={"Authorization": f"Bearer {app_b}"})
        other_company = client.get(f"{VNI}/v1/account", params={"pageSize": 1},
                                   headers={"Authorization": f"Bearer {app_a}", "ipp-company-id": "7654321"})
        refused = answers[-1]
        time.sleep(int(refused.headers["Retry-After"]) + 0.05)
        later = client.get(f"{VNI}/v1/account", params={"pageSize": 1}, headers={"Authorization": f"Bearer {app_a}"})
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert refused.headers["X-RateLimit-Limit"] == "5" and refused.headers["X-RateLimit-Remaining"] == "0"
    assert "per application" in refused.json()["message"]
    assert other_app.status_code == 200  # counted per application, not per host
    assert other_company.status_code == 429  # ... and not per company
    assert later.status_code == 200


def test_retired_endpoints_answer_as_retired(sandbox):
    with sandbox.client() as client:
        auth = {"Authorization": f"Bearer {vni_token(client)}"}
        subscribe = client.post(f"{RESOURCES}/subscription", json={"event": "customer_changed",
                                                                   "hookUri": "https://hooks.example.com/x"}, headers=auth)
        events = client.get(f"{RESOURCES}/event", headers=auth)
        context = client.get(f"{RESOURCES}/context", headers=auth)
    assert subscribe.status_code == events.status_code == 410
    assert "Developer Portal" in subscribe.json()["message"]
    assert context.status_code == 200


def test_password_grant_is_refused_and_only_vni_tokens_pass(sandbox):
    with sandbox.client() as client:
        password = client.post(TOKEN, data={"grant_type": "password", "username": "u", "password": "p"})
        made_up = client.get(f"{VNI}/v1/account", headers={"Authorization": "Bearer anything-goes"})
        connect = client.get(f"{VNI}/v1/account", headers={"Authorization": f"Bearer {sandbox.issue_token()}"})
        real = client.get(f"{VNI}/v1/account", headers={"Authorization": f"Bearer {vni_token(client)}"})
    assert password.status_code == 400 and password.json()["error"] == "unsupported_grant_type"
    assert made_up.status_code == connect.status_code == 401
    assert real.status_code == 200


def test_pre_2025_mode_answers_as_legacy_code_expects():
    with running_sandbox(vni_mode="pre-2025", vni_rate_limit=1, **FAST) as box, box.client() as client:
        password = client.post(TOKEN, data={"grant_type": "password", "username": "u", "password": "p"})
        any_bearer = [client.get(f"{VNI}/v1/account", headers={"Authorization": "Bearer legacy"}) for _ in range(3)]
        subscribe = client.post(f"{RESOURCES}/subscription", json={"event": "customer_changed",
                                                                   "hookUri": "https://hooks.example.com/x"},
                                headers={"Authorization": "Bearer legacy"})
    assert password.status_code == 200 and "token" in password.json()
    assert [a.status_code for a in any_bearer] == [200, 200, 200]  # no 500-per-hour throttle then
    assert subscribe.status_code == 201
