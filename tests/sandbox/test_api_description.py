"""Every resource root of the API description answers against the real server, with its documented shape."""

from __future__ import annotations

import pytest

from migrator.sandbox.api_description import (
    DescriptionError,
    load_description,
    parse_description,
)
from migrator.sandbox.server import running_sandbox

from .conftest import API

DESCRIPTION = load_description()
LISTS = [spec for spec in DESCRIPTION.resources if spec.lists]
ITEM_ONLY = [spec for spec in DESCRIPTION.resources if not spec.lists and "GET" in spec.methods
             and spec.name != "background"]


@pytest.fixture(scope="module")
def box():
    with running_sandbox(time_scale=0.0, records=30) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def auth(box):
    return {"Authorization": f"Bearer {box.issue_token()}"}


def test_the_description_covers_the_roots_of_the_spec():
    assert len(DESCRIPTION.roots(1)) == 95 and len(DESCRIPTION.roots(2)) == 16
    for spec in DESCRIPTION.resources:
        assert spec.sources["root"] in DESCRIPTION.sources, spec.path
        assert spec.sources["shape"] and spec.sources["max_page_size"], spec.path  # every fact says where from
    named = {spec.path.lower() for spec in DESCRIPTION.resources}
    assert {"/v1/department", "/v2/generalledgerbalance", "/v1/inventory", "/v1/salesorder",
            "/v1/attachment", "/v2/journaltransaction"} <= named


@pytest.mark.parametrize("spec", LISTS, ids=[s.path for s in LISTS])
def test_every_list_root_answers_a_paged_get_in_its_documented_shape(box, auth, spec):
    with box.client() as client:
        response = client.get(f"{API}{spec.path}", params={"pageNumber": 2, "pageSize": 7}, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    if spec.shape == "paged":
        assert set(body) == {"pageNumber", "pageSize", "totalCount", "records"}
        assert (body["pageNumber"], body["pageSize"], body["totalCount"]) == (2, 7, 30)
        records = body["records"]
    else:
        assert isinstance(body, list)
        records = body
    if spec.page_unit:  # pageSize and totalCount count lines on this root
        assert sum(len(r[spec.page_unit]) for r in records) == 7
        assert records[0]["metadata"] == {"totalCount": 60, "maxPageSize": spec.max_page_size}
    else:
        assert len(records) == 7
        assert records[0]["metadata"] == {"totalCount": 30, "maxPageSize": spec.max_page_size}
    assert all(spec.key in r for r in records)


@pytest.mark.parametrize("spec", ITEM_ONLY, ids=[s.path for s in ITEM_ONLY])
def test_roots_without_a_list_answer_one_record_and_say_there_is_no_list(box, auth, spec):
    with box.client() as client:
        listing = client.get(f"{API}{spec.path}", headers=auth)
        key = client.get(f"{API}{spec.path}/100000", headers=auth)
    assert listing.status_code == 404 and "no list operation" in listing.json()["message"]
    assert key.status_code == 200 and key.json()[spec.key] == "100000"


def test_max_page_size_is_per_endpoint(box, auth):
    with running_sandbox(time_scale=0.0, records=800) as big:
        token = {"Authorization": f"Bearer {big.issue_token()}"}
        with big.client() as client:
            receipts = client.get(f"{API}/v1/PurchaseReceipt", params={"pageSize": 700}, headers=token).json()
            customers = client.get(f"{API}/v1/customer", params={"pageSize": 700}, headers=token).json()
    assert len(receipts) == 500 and receipts[0]["metadata"]["maxPageSize"] == 500  # "which is 500" in the spec
    assert len(customers) == 700 and customers[0]["metadata"]["maxPageSize"] == 1000


def test_sub_path_roots_and_unknown_roots(box, auth):
    with box.client() as client:
        balance = client.get(f"{API}/v2/customer/balance", headers=auth)
        no_list = client.get(f"{API}/v2/customer", headers=auth)
        unknown = client.get(f"{API}/v1/nosuchroot", headers=auth)
    assert balance.status_code == 200 and len(balance.json()) == 30
    assert no_list.status_code == 404 and unknown.status_code == 404


def test_a_malformed_description_is_refused_naming_the_entry():
    with pytest.raises(DescriptionError, match="/v1/x"):
        parse_description({"sources": {"s": {}}, "resources": [{"path": "/v1/x", "key": "k", "source": "s",
                                                               "shape": "table"}]})
