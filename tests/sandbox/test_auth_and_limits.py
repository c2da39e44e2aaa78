"""Visma Connect tokens (tenant, expiry), VNI tokens, bearer checks, rate limits."""

from __future__ import annotations

import ssl
import time

import httpx

from migrator.sandbox.server import running_sandbox

from .conftest import API, FAST, VNI

TOKEN_URL = "https://connect.visma.com/connect/token"


def _form(**extra):
    return {"grant_type": "client_credentials", "client_id": "my-client", "client_secret": "s3cret",
            "tenant_id": "1234567", **extra}


def test_client_credentials_token_works_until_it_expires():
    with running_sandbox(token_ttl=0.4, **FAST) as box, box.client() as client:
        grant = client.post(TOKEN_URL, data=_form()).json()
        assert grant["token_type"] == "Bearer" and grant["expires_in"] == 0
        auth = {"Authorization": f"Bearer {grant['access_token']}"}
        assert client.get(f"{API}/v1/account", headers=auth).status_code == 200
        time.sleep(0.5)
        expired = client.get(f"{API}/v1/account", headers=auth)
    assert expired.status_code == 401
    assert "invalid_token" in expired.headers["WWW-Authenticate"]


def test_token_request_needs_tenant_and_known_grant(sandbox):
    with sandbox.client() as client:
        no_tenant = client.post(TOKEN_URL, data=_form(tenant_id=""))
        wrong_grant = client.post(TOKEN_URL, data=_form(grant_type="password"))
    assert (no_tenant.status_code, no_tenant.json()["error"]) == (400, "invalid_request")
    assert wrong_grant.json()["error"] == "unsupported_grant_type"


def test_configured_clients_are_enforced():
    with running_sandbox(clients={"my-client": "right"}, **FAST) as box, box.client() as client:
        assert client.post(TOKEN_URL, data=_form(client_secret="wrong")).status_code == 401
        assert client.post(TOKEN_URL, data=_form(client_secret="right")).status_code == 200


def test_api_management_without_or_with_a_vni_token_is_401(sandbox):
    with sandbox.client() as client:
        vni_token = client.post("https://integration.visma.net/API/security/api/v2/token",
                                data={"grant_type": "authorization_code", "code": "abc"}).json()["token"]
        assert client.get(f"{API}/v1/customer").status_code == 401
        assert client.get(f"{API}/v1/customer", headers={"Authorization": f"Bearer {vni_token}"}).status_code == 401
        assert client.get(f"{VNI}/v1/customer", headers={"Authorization": f"Bearer {vni_token}"}).status_code == 200


def test_new_vni_token_invalidates_the_previous_one(sandbox):
    url = "https://integration.visma.net/API/security/api/v2/token"
    with sandbox.client() as client:
        old = client.post(url, data={"client_id": "c", "username": "u"}).json()["token"]
        new = client.post(url, data={"client_id": "c", "username": "u"}).json()["token"]
        assert client.get(f"{VNI}/v1/account", headers={"Authorization": f"Bearer {old}"}).status_code == 401
        assert client.get(f"{VNI}/v1/account", headers={"Authorization": f"Bearer {new}"}).status_code == 200
        assert client.get(f"{VNI}/v1/account").status_code == 401


def test_rate_limit_headers_then_429_with_retry_after():
    with running_sandbox(rate_limit=3, rate_window=1.0, **FAST) as box, box.client() as client:
        auth = {"Authorization": f"Bearer {box.issue_token()}"}
        answers = [client.get(f"{API}/v1/account", params={"pageSize": 1}, headers=auth) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
        assert answers[0].headers["X-RateLimit-Limit"] == "3"
        assert answers[0].headers["X-RateLimit-Policy"] == "3;w=1"
        retry_after = int(answers[3].headers["Retry-After"])
        assert 1 <= retry_after <= 1
        time.sleep(retry_after + 0.05)
        assert client.get(f"{API}/v1/account", params={"pageSize": 1}, headers=auth).status_code == 200


def test_proxy_refuses_other_hosts(sandbox):
    with httpx.Client(proxy=sandbox.url, verify=ssl.create_default_context(cafile=str(sandbox.ca.bundle_path)), trust_env=False) as client:
        try:
            client.get("https://example.com/")
        except httpx.ProxyError as exc:
            assert "502" in str(exc)
        else:
            raise AssertionError("the proxy must refuse hosts that are not Visma's")
