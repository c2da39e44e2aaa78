"""VNI012: `erp_api_background` as a header name gets hyphens; parameter names stay."""

import pytest

from tests.background_auth.helpers import fixed, found

FIXED = {
    "headers= keyword dict": (
        'requests.post(u, headers={"erp_api_background": "none"})\n',
        'requests.post(u, headers={"erp-api-background": "none"})\n',
    ),
    "headers variable": (
        'HEADERS = {"Accept": "application/json", "erp_api_background": "subscription"}\n',
        'HEADERS = {"Accept": "application/json", "erp-api-background": "subscription"}\n',
    ),
    "session.headers.update": (
        's.headers.update({"erp_api_background": "none"})\n',
        's.headers.update({"erp-api-background": "none"})\n',
    ),
    "headers.update": (
        'headers.update({\'erp_api_background\': mode})\n',
        'headers.update({\'erp-api-background\': mode})\n',
    ),
    "subscript store": (
        'headers["erp_api_background"] = "none"\n',
        'headers["erp-api-background"] = "none"\n',
    ),
    "self.headers subscript store": (
        'class C:\n    def f(self):\n        self.headers["erp_api_background"] = "none"\n',
        'class C:\n    def f(self):\n        self.headers["erp-api-background"] = "none"\n',
    ),
    "returned by a headers function": (
        'def build_headers():\n    return {"Erp_Api_Background": "none"}\n',
        'def build_headers():\n    return {"Erp-Api-Background": "none"}\n',
    ),
    "annotated headers variable": (
        'headers: dict[str, str] = {"erp_api_background": "none"}\n',
        'headers: dict[str, str] = {"erp-api-background": "none"}\n',
    ),
}


@pytest.mark.parametrize("name", FIXED)
def test_header_name_gets_hyphens(name: str) -> None:
    before, after = FIXED[name]
    assert fixed(before) == after
    assert [f.fix.value for f in found(before, "VNI012")] == ["safe"]


UNCHANGED = {
    "generated client keyword": 'api.customer_post(c, erp_api_background="none")\n',
    "query parameters": 'requests.get(u, params={"erp_api_background": "none"})\n',
    "unpacked into keywords": 'client.create(**{"erp_api_background": "none"})\n',
    "json body": 'requests.post(u, json={"erp_api_background": "none"})\n',
    "already hyphens": 'requests.post(u, headers={"erp-api-background": "none"})\n',
    "unrelated dict": 'OPTIONS = {"erp_api_background": True}\n',
    "reading a header": 'mode = request.headers.get("erp_api_background")\n',
}


@pytest.mark.parametrize("name", UNCHANGED)
def test_not_a_header_name_stays(name: str) -> None:
    code = UNCHANGED[name]
    assert fixed(code, unsafe=True) == code
    assert found(code, "VNI012") == []


def test_spelling_with_an_escape_is_reported_but_not_half_fixed() -> None:
    code = 'headers = {"erp\\x5fapi_background": "none"}\n'
    findings = found(code, "VNI012")
    assert len(findings) == 1 and findings[0].edits == ()
    assert fixed(code) == code
