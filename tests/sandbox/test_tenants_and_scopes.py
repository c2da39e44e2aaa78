"""A token is bound to its tenant and scopes: data, created records and background jobs stay per tenant."""

from __future__ import annotations

import time

from migrator.sandbox.server import running_sandbox

from .conftest import API, FAST

TOKEN_URL = "https://connect.visma.com/connect/token"


def _auth(box, tenant, scope=""):
    return {"Authorization": f"Bearer {box.issue_token(tenant_id=tenant, scope=scope)}"}


def test_each_tenant_sees_its_own_deterministic_data(sandbox):
    with sandbox.client() as client:
        a = client.get(f"{API}/v1/customer", params={"pageSize": 20}, headers=_auth(sandbox, "1111111")).json()
        a_again = client.get(f"{API}/v1/customer", params={"pageSize": 20}, headers=_auth(sandbox, "1111111")).json()
        b = client.get(f"{API}/v1/customer", params={"pageSize": 20}, headers=_auth(sandbox, "2222222")).json()
    assert a == a_again
    assert [r["number"] for r in a] == [r["number"] for r in b]  # same numbering, separate companies
    assert [r["name"] for r in a] != [r["name"] for r in b]


def test_a_record_created_by_one_tenant_is_invisible_to_another(sandbox):
    with sandbox.client() as client:
        created = client.post(f"{API}/v1/department", json={"departmentId": {"value": "OPS"},
                                                            "description": {"value": "Operations"}},
                              headers=_auth(sandbox, "1111111"))
        own = client.get(f"{API}/v1/department/OPS", headers=_auth(sandbox, "1111111"))
        other = client.get(f"{API}/v1/department/OPS", headers=_auth(sandbox, "2222222"))
    assert created.status_code == 201 and created.headers["Location"] == f"{API}/v1/department/OPS"
    assert own.status_code == 200 and own.json()["description"] == "Operations"
    assert other.status_code == 404


def test_another_tenants_job_id_answers_like_an_unknown_id(sandbox):
    with sandbox.client() as client:
        accepted = client.get(f"{API}/v1/customer", headers={**_auth(sandbox, "1111111"), "erp-api-background": "none"})
        location = accepted.json()["stateLocation"]
        time.sleep(0.2)
        own = client.get(location, headers=_auth(sandbox, "1111111"))
        other = client.get(location, headers=_auth(sandbox, "2222222"))
        other_content = client.get(f"{location}/content", headers=_auth(sandbox, "2222222"))
        unknown = client.get(f"{API}/v1/background/00000000-0000-0000-0000-000000000000",
                             headers=_auth(sandbox, "2222222"))
    assert own.status_code == 200
    assert (other.status_code, other_content.status_code) == (404, 404)
    assert other.json()["message"].replace(location.rsplit("/", 1)[1], "ID") == \
        unknown.json()["message"].replace("00000000-0000-0000-0000-000000000000", "ID")


def test_a_read_scope_token_cannot_write(sandbox):
    read_only = _auth(sandbox, "1111111", "vismanet_erp_service_api:read")
    with sandbox.client() as client:
        listed = client.get(f"{API}/v1/customer", params={"pageSize": 1}, headers=read_only)
        post = client.post(f"{API}/v1/customer", json={"name": "Blocked AS"}, headers=read_only)
        put = client.put(f"{API}/v1/customer/10001", json={"name": "Blocked AS"}, headers=read_only)
        background = client.post(f"{API}/v1/customer", json={"name": "Blocked AS"},
                                 headers={**read_only, "erp-api-background": "none"})
    assert listed.status_code == 200
    assert post.status_code == put.status_code == background.status_code == 403
    assert 'insufficient_scope' in post.headers["WWW-Authenticate"]


def test_scopes_are_requested_per_flow(sandbox):
    form = {"grant_type": "client_credentials", "client_id": "c", "client_secret": "s", "tenant_id": "1"}
    with sandbox.client() as client:
        create_only = client.post(TOKEN_URL, data={**form, "scope": "vismanet_erp_service_api:create"}).json()
        interactive = client.post(TOKEN_URL, data={**form, "scope": "vismanet_erp_interactive_api:read"})
        auth = {"Authorization": f"Bearer {create_only['access_token']}"}
        get = client.get(f"{API}/v1/customer", headers=auth)
        post = client.post(f"{API}/v1/customer", json={"name": "Allowed AS"}, headers=auth)
    assert create_only["scope"] == "vismanet_erp_service_api:create"
    assert interactive.status_code == 400 and interactive.json()["error"] == "invalid_scope"
    assert (get.status_code, post.status_code) == (403, 201)


def test_writes_are_validated_in_the_error_shape(sandbox):
    auth = _auth(sandbox, "1111111")
    with sandbox.client() as client:
        missing = client.post(f"{API}/v1/customer", json={"status": "Active"}, headers=auth)
        not_json = client.post(f"{API}/v1/customer", content=b"name=x", headers=auth)
        created = client.post(f"{API}/v1/customer", json={"number": "77777", "name": "New AS"}, headers=auth)
        duplicate = client.post(f"{API}/v1/customer", json={"number": "77777", "name": "New AS"}, headers=auth)
        updated = client.put(f"{API}/v1/customer/77777", json={"name": {"value": "Renamed AS"}}, headers=auth)
        read = client.get(f"{API}/v1/customer/77777", headers=auth).json()
        missing_put = client.put(f"{API}/v1/customer/99999999", json={"name": "x"}, headers=auth)
        deleted = client.delete(f"{API}/v1/customerinvoice/I100003", headers=auth)
        gone = client.get(f"{API}/v1/customerinvoice/I100003", headers=auth)
        not_allowed = client.delete(f"{API}/v1/customer/10001", headers=auth)
    assert missing.status_code == 400 and missing.json()["ExceptionMessage"] == "customer: name is required"
    assert set(missing.json()) >= {"ExceptionType", "ExceptionMessage", "ExceptionFaultCode"}
    assert not_json.status_code == 400
    assert (created.status_code, duplicate.status_code, updated.status_code) == (201, 400, 204)
    assert read["name"] == "Renamed AS"
    assert missing_put.status_code == 404
    assert (deleted.status_code, gone.status_code) == (204, 404)
    assert not_allowed.status_code == 405  # the spec lists no DELETE on /v1/customer


def test_filters_of_the_spec_select_records(sandbox):
    auth = _auth(sandbox, "1234567")
    with sandbox.client() as client:
        everything = client.get(f"{API}/v1/customer", params={"pageSize": 1000}, headers=auth).json()
        since = client.get(f"{API}/v1/customer", headers=auth, params={
            "lastModifiedDateTime": "2025-01-01 00:00:00", "lastModifiedDateTimeCondition": ">="}).json()
        active = client.get(f"{API}/v1/customer", params={"status": "Active"}, headers=auth).json()
        after = client.get(f"{API}/v1/customer", params={"greaterThanValue": "10290"}, headers=auth).json()
        bad = client.get(f"{API}/v1/customer", params={"lastModifiedDateTime": "yesterday"}, headers=auth)
        bad_condition = client.get(f"{API}/v1/customer", headers=auth, params={
            "lastModifiedDateTime": "2025-01-01", "lastModifiedDateTimeCondition": "=="})
    expected_since = [r["number"] for r in everything if r["lastModifiedDateTime"] >= "2025-01-01T00:00:00"]
    assert [r["number"] for r in since] == expected_since and 0 < len(since) < 300
    assert since[0]["metadata"]["totalCount"] == len(expected_since)
    assert {r["status"] for r in active} == {"Active"} and len(active) < 300
    assert [r["number"] for r in after] == [str(n) for n in range(10291, 10300)]
    assert bad.status_code == bad_condition.status_code == 400


def test_token_for_an_unconfigured_client_is_refused_and_the_tenant_comes_from_the_form():
    with running_sandbox(clients={"app": "right"}, **FAST) as box, box.client() as client:
        unknown = client.post(TOKEN_URL, data={"grant_type": "client_credentials", "client_id": "other",
                                               "client_secret": "x", "tenant_id": "1"})
    assert unknown.status_code == 401
