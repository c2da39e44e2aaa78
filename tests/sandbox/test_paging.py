"""Paging as documented: pageNumber, pageSize cut to maxPageSize, metadata.totalCount, both shapes."""

from __future__ import annotations

from migrator.sandbox.server import running_sandbox

from .conftest import API, FAST


def _get(box, path, **params):
    with box.client() as client:
        return client.get(f"{API}{path}", params=params, headers={"Authorization": f"Bearer {box.issue_token()}"})


def test_pages_are_disjoint_and_deterministic(sandbox):
    first = _get(sandbox, "/v1/customer", pageNumber=1, pageSize=50).json()
    second = _get(sandbox, "/v1/customer", pageNumber=2, pageSize=50).json()
    again = _get(sandbox, "/v1/customer", pageNumber=2, pageSize=50).json()
    assert len(first) == len(second) == 50
    assert {r["number"] for r in first}.isdisjoint({r["number"] for r in second})
    assert second == again
    assert first[0]["metadata"] == {"totalCount": 300, "maxPageSize": 1000}


def test_page_size_is_cut_to_max_page_size():
    with running_sandbox(max_page_size=40, **FAST) as box:
        records = _get(box, "/v1/account", pageSize=500).json()
    assert len(records) == 40
    assert records[0]["metadata"]["maxPageSize"] == 40


def test_last_page_is_partial_and_beyond_is_empty(sandbox):
    assert len(_get(sandbox, "/v1/customerinvoice", pageNumber=3, pageSize=120).json()) == 60
    assert _get(sandbox, "/v1/customerinvoice", pageNumber=4, pageSize=120).json() == []


def test_paged_object_shape_where_the_spec_returns_one(sandbox):
    # the spec's BasePaginationDto shape belongs to a few v1 roots, not to "v2"
    body = _get(sandbox, "/v1/salesperson", pageNumber=2, pageSize=10).json()
    assert (body["pageNumber"], body["pageSize"], body["totalCount"]) == (2, 10, 300)
    assert len(body["records"]) == 10


def test_v2_journaltransaction_is_an_array_paged_by_lines_as_in_the_spec(sandbox):
    first = _get(sandbox, "/v2/journaltransaction", pageNumber=1, pageSize=3).json()
    second = _get(sandbox, "/v2/journaltransaction", pageNumber=2, pageSize=3).json()
    assert isinstance(first, list) and first[0]["metadata"]["totalCount"] == 600  # 300 batches, 2 lines each
    assert [(r["batchNumber"], len(r["journalTransactionLines"])) for r in first] == [("GL200000", 2), ("GL200001", 1)]
    # the batch split by the page boundary continues on the next page with its remaining line
    assert [(r["batchNumber"], [x["lineNumber"] for x in r["journalTransactionLines"]]) for r in second] == \
        [("GL200001", [2]), ("GL200002", [1, 2])]


def test_invalid_paging_is_400(sandbox):
    assert _get(sandbox, "/v1/customer", pageSize="lots").status_code == 400
    assert _get(sandbox, "/v1/customer", pageNumber=0).status_code == 400


def test_single_record_and_unknown_resource(sandbox):
    assert _get(sandbox, "/v1/customer/10007").json()["number"] == "10007"
    assert _get(sandbox, "/v1/customer/99999999").status_code == 404
    assert _get(sandbox, "/v1/nosuchthing").status_code == 404


def test_local_base_url_without_host_header_routes_by_path(sandbox):
    import httpx

    token = sandbox.issue_token()
    response = httpx.get(f"{sandbox.url}/v1/account", params={"pageSize": 3},
                         headers={"Authorization": f"Bearer {token}"}, trust_env=False)
    assert response.status_code == 200 and len(response.json()) == 3
