"""The interactive flow: /connect/authorize, the authorization-code grant, offline_access and refresh tokens,
driven by a real HTTP client against the server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import time
from urllib.parse import parse_qs, urlsplit

from migrator.sandbox.server import running_sandbox

from .conftest import API, FAST

CONNECT = "https://connect.visma.com/connect"
REDIRECT = "https://app.example.com/callback"
SCOPE = "vismanet_erp_interactive_api:read vismanet_erp_interactive_api:create offline_access"


def _authorize(client, **extra):
    response = client.get(f"{CONNECT}/authorize", params={
        "response_type": "code", "client_id": "app", "redirect_uri": REDIRECT, "scope": SCOPE, "state": "xyz",
        "tenant_id": "5555555", **extra})
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def test_code_then_refresh_then_the_old_refresh_token_is_spent():
    with running_sandbox(clients={"app": "s3cret"}, token_ttl=0.5, **FAST) as box, box.client() as client:
        code = _authorize(client)
        grant = client.post(f"{CONNECT}/token", data={"grant_type": "authorization_code", "code": code,
                                                      "redirect_uri": REDIRECT, "client_id": "app",
                                                      "client_secret": "s3cret"}).json()
        assert grant["expires_in"] == 0 and "refresh_token" in grant and grant["scope"] == SCOPE
        auth = {"Authorization": f"Bearer {grant['access_token']}"}
        page = client.get(f"{API}/v1/customer", params={"pageSize": 3}, headers=auth)
        reused = client.post(f"{CONNECT}/token", data={"grant_type": "authorization_code", "code": code,
                                                       "redirect_uri": REDIRECT, "client_id": "app",
                                                       "client_secret": "s3cret"})
        time.sleep(0.6)
        expired = client.get(f"{API}/v1/customer", params={"pageSize": 3}, headers=auth)
        renewed = client.post(f"{CONNECT}/token", data={"grant_type": "refresh_token", "client_id": "app",
                                                        "client_secret": "s3cret",
                                                        "refresh_token": grant["refresh_token"]}).json()
        again = client.get(f"{API}/v1/customer", params={"pageSize": 3},
                           headers={"Authorization": f"Bearer {renewed['access_token']}"})
        spent = client.post(f"{CONNECT}/token", data={"grant_type": "refresh_token", "client_id": "app",
                                                      "refresh_token": grant["refresh_token"]})
        other_tenant = box.issue_token(tenant_id="1234567", client_id="app")
        tenant_page = client.get(f"{API}/v1/customer", params={"pageSize": 3},
                                 headers={"Authorization": f"Bearer {other_tenant}"})
    assert page.status_code == 200 and reused.status_code == 400
    assert expired.status_code == 401
    assert renewed["refresh_token"] != grant["refresh_token"] and again.status_code == 200
    assert again.json() == page.json()  # the same tenant (5555555) as the authorize request
    assert tenant_page.json() != page.json()
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"


def test_without_offline_access_there_is_no_refresh_token_and_pkce_is_checked(sandbox):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    with sandbox.client() as client:
        code = _authorize(client, scope="vismanet_erp_interactive_api:read", code_challenge=challenge,
                          code_challenge_method="S256")
        wrong = client.post(f"{CONNECT}/token", data={"grant_type": "authorization_code", "code": code,
                                                      "redirect_uri": REDIRECT, "client_id": "app",
                                                      "code_verifier": "nope"})
        code = _authorize(client, scope="vismanet_erp_interactive_api:read", code_challenge=challenge,
                          code_challenge_method="S256")
        right = client.post(f"{CONNECT}/token", data={"grant_type": "authorization_code", "code": code,
                                                      "redirect_uri": REDIRECT, "client_id": "app",
                                                      "code_verifier": verifier}).json()
        write = client.post(f"{API}/v1/customer", json={"name": "x"},
                            headers={"Authorization": f"Bearer {right['access_token']}"})
        service_scope = client.get(f"{CONNECT}/authorize", params={
            "response_type": "code", "client_id": "app", "redirect_uri": REDIRECT,
            "scope": "vismanet_erp_service_api:read"})
    assert wrong.status_code == 400
    assert "refresh_token" not in right and write.status_code == 403
    assert service_scope.status_code == 400 and service_scope.json()["error"] == "invalid_scope"
