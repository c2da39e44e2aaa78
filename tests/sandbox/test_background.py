"""The background API as documented: 202 {id, stateLocation}, state documents, /content, webhooks."""

from __future__ import annotations

import time

from migrator.sandbox.server import running_sandbox

from .conftest import API, FAST, vni_token


def _poll(client, url, headers, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(url, headers=headers).json()
        if state["status"] != "Started":
            return state
        time.sleep(0.02)
    raise AssertionError("job did not finish")


def test_background_flow_returns_what_the_synchronous_call_returns(sandbox):
    auth = {"Authorization": f"Bearer {sandbox.issue_token()}"}
    params = {"pageNumber": 2, "pageSize": 40}
    with sandbox.client() as client:
        accepted = client.get(f"{API}/v1/customerinvoice", params=params, headers={**auth, "erp-api-background": "none"})
        assert accepted.status_code == 202
        body = accepted.json()
        assert set(body) == {"id", "stateLocation"}
        assert body["stateLocation"] == f"{API}/v1/background/{body['id']}"
        first = client.get(body["stateLocation"], headers=auth).json()
        assert first["status"] in ("Started", "Finished")
        state = _poll(client, body["stateLocation"], auth)
        assert state["status"] == "Finished" and state["statusCode"] == 200
        assert state["hasResponseContent"] is True
        assert state["contentLocation"] == f"{body['stateLocation']}/content"
        assert state["originalUri"].endswith("/v1/customerinvoice?pageNumber=2&pageSize=40")
        content = client.get(state["contentLocation"], headers=auth).json()
        synchronous = client.get(f"{API}/v1/customerinvoice", params=params, headers=auth).json()
    assert content == synchronous and len(content) == 40


def test_background_job_is_not_cut(sandbox):
    sandbox.config.gateway_limit = 30  # the GL page (93 model s) would be cut synchronously
    auth = {"Authorization": f"Bearer {sandbox.issue_token()}"}
    with sandbox.client() as client:
        assert client.get(f"{API}/v1/generalledgertransactions", headers=auth).status_code == 504
        accepted = client.get(f"{API}/v1/generalledgertransactions", headers={**auth, "erp-api-background": "none"})
        state = _poll(client, accepted.json()["stateLocation"], auth)
    assert state["status"] == "Finished" and state["statusCode"] == 200


def test_endpoint_error_is_finished_with_its_status_code(sandbox):
    auth = {"Authorization": f"Bearer {sandbox.issue_token()}"}
    with sandbox.client() as client:
        accepted = client.get(f"{API}/v1/customer/nobody", headers={**auth, "erp-api-background": "none"})
        state = _poll(client, accepted.json()["stateLocation"], auth)
    assert (state["status"], state["statusCode"]) == ("Finished", 404)


def test_unknown_job_and_bad_header(sandbox):
    auth = {"Authorization": f"Bearer {sandbox.issue_token()}"}
    with sandbox.client() as client:
        assert client.get(f"{API}/v1/background/00000000-0000-0000-0000-000000000000", headers=auth).status_code == 404
        assert client.get(f"{API}/v1/customer", headers={**auth, "erp-api-background": "whenever"}).status_code == 400
        deprecated = client.get(f"{API}/v1/customer", headers={**auth, "erp-api-background": "https://example.test/h"})
    assert deprecated.status_code == 400 and "deprecated" in deprecated.json()["message"]


def test_subscription_dispatches_webhook_with_custom_headers(webhook_listener):
    with running_sandbox(webhook_url=webhook_listener.url, **FAST) as box:
        auth = {"Authorization": f"Bearer {box.issue_token()}"}
        with box.client() as client:
            accepted = client.get(f"{API}/v1/customer", params={"pageSize": 5},
                                  headers={**auth, "erp-api-background": "subscription:X-Order-Id=42,X-Tenant=acme"})
        assert webhook_listener.event.wait(5), "no webhook arrived"
    headers, body = webhook_listener.received[0]
    assert headers["x-order-id"] == "42" and headers["x-tenant"] == "acme"
    assert body["id"] == accepted.json()["id"]
    assert body["status"] == "Finished" and body["webhookAddress"] == webhook_listener.url
    assert box.webhook_deliveries[0].status == 204


def test_vni_url_value_still_posts_to_that_url(webhook_listener, sandbox):
    with sandbox.client() as client:
        accepted = client.get("https://integration.visma.net/API/controller/api/v1/account",
                              headers={"Authorization": f"Bearer {vni_token(client)}",
                                       "erp-api-background": webhook_listener.url})
    assert accepted.status_code == 202
    assert accepted.json()["stateLocation"].startswith("https://integration.visma.net/API/controller/api/v1/background/")
    assert webhook_listener.event.wait(5)
    assert webhook_listener.received[0][1]["statusCode"] == 200


def test_jobs_expire_after_24_model_hours_like_an_unknown_id():
    # 24 model hours at this scale are 0.864 real seconds
    with running_sandbox(time_scale=0.00001, records=50) as box, box.client() as client:
        auth = {"Authorization": f"Bearer {box.issue_token()}"}
        location = client.get(f"{API}/v1/customer", headers={**auth, "erp-api-background": "none"}).json()["stateLocation"]
        fresh = _poll(client, location, auth)
        content = client.get(f"{location}/content", headers=auth)
        time.sleep(1.0)
        expired = client.get(location, headers=auth)
        expired_content = client.get(f"{location}/content", headers=auth)
        kept = len(box.app.jobs)
    assert fresh["status"] == "Finished" and content.status_code == 200 and len(content.json()) == 50
    assert expired.status_code == expired_content.status_code == 404
    assert kept == 0  # forgotten, not only hidden: memory stays bounded
