"""Endpoint discovery from source text: old and new base URLs, split bases, nearby page sizes."""

from __future__ import annotations

import pytest

from migrator.probe.endpoints import (
    EndpointSpecError,
    discover,
    parse_endpoint_option,
    scan_text,
)


def _paths(text):
    return {(e.path, e.page_size) for e in scan_text(text, "f.py")}


def test_old_full_url_with_page_size_in_query():
    text = 'r = s.get("https://integration.visma.net/API/controller/api/v1/customerinvoice?pageSize=500")'
    assert _paths(text) == {("/v1/customerinvoice", 500)}


def test_new_host_and_dict_page_size():
    text = 'URL = "https://api.finance.visma.net/v2/supplierinvoice"\nparams = {"pageSize": 250}\n'
    assert _paths(text) == {("/v2/supplierinvoice", 250)}


def test_split_base_and_path():
    text = 'BASE = "https://integration.visma.net/API"\ndef f(s):\n    return s.get(BASE + "/controller/api/v1/account")\n'
    assert _paths(text) == {("/v1/account", None)}


def test_versioned_base_joined_later_with_constant_page_size():
    text = ('BASE = "https://integration.visma.net/API/controller/api/v1"\nPAGE_SIZE = 800\n'
            'a = f"{BASE}/journaltransaction"\nb = BASE + "/customer"\n')
    assert _paths(text) == {("/v1/journaltransaction", 800), ("/v1/customer", 800)}


def test_background_and_token_paths_are_not_list_endpoints():
    text = 'x = "https://api.finance.visma.net/v1/background/123"'
    assert _paths(text) == set()


def test_discover_merges_files_and_keeps_the_largest_page_size(tmp_path):
    (tmp_path / "a.py").write_text('u = "https://integration.visma.net/API/controller/api/v1/customer?pageSize=100"\n')
    (tmp_path / "b.cs").write_text('var u = "https://api.finance.visma.net/v1/Customer?pageSize=1000";\n')
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "c.js").write_text('"https://api.finance.visma.net/v1/account"')
    found = discover(tmp_path)
    assert [(e.path, e.page_size) for e in found] == [("/v1/customer", 1000)]
    assert found[0].sources == ["a.py:1", "b.cs:1"]


def test_endpoint_option_forms():
    assert parse_endpoint_option("/v1/customer:500").page_size == 500
    assert parse_endpoint_option("GET https://api.finance.visma.net/v1/account").path == "/v1/account"
    assert parse_endpoint_option("/API/controller/api/v1/customer").path == "/v1/customer"
    with pytest.raises(EndpointSpecError, match="read-only"):
        parse_endpoint_option("DELETE /v1/customer")
    with pytest.raises(EndpointSpecError):
        parse_endpoint_option("customer")
