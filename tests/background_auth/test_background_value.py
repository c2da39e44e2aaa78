"""VNI013: erp-api-background values other than none / subscription / subscription:k=v,..."""

import pytest

from tests.background_auth.helpers import fixed, found

REPORTED = {
    "unknown word": 'requests.post(u, headers={"erp-api-background": "true"})\n',
    "empty": 'requests.post(u, headers={"erp-api-background": ""})\n',
    "semicolon instead of colon": 'headers = {"erp-api-background": "subscription;a=1"}\n',
    "pair without =": 'headers = {"erp-api-background": "subscription:batch"}\n',
    "nothing after colon": 'headers = {"erp-api-background": "subscription:"}\n',
    "bad header name": 'headers = {"erp-api-background": f"subscription:my batch={b}"}\n',
    "through a constant": 'MODE = "async"\nheaders = {"erp-api-background": MODE}\n',
    "underscore spelling key": 'headers = {"erp_api_background": "yes"}\n',
    "subscript store": 'headers["erp-api-background"] = "background"\n',
    "generated client keyword": 'api.customer_post(c, erp_api_background="1")\n',
    "not a string": 'headers = {"erp-api-background": 1}\n',
}


@pytest.mark.parametrize("name", REPORTED)
def test_unknown_value_is_reported_without_edit(name: str) -> None:
    code = REPORTED[name]
    findings = found(code, "VNI013")
    assert len(findings) == 1, findings
    assert findings[0].fix.value == "manual" and not findings[0].edits
    assert "none" in findings[0].message and "subscription" in findings[0].message


VALID = {
    "none": '"none"',
    "None as in Visma's example": '"None"',
    "subscription": '"subscription"',
    "one pair": '"subscription:batch=7"',
    "several pairs from an f-string": 'f"subscription:tenant={tenant},batch={batch}"',
    "a URL (VNI010's)": '"https://hooks.example.com/visma?batch=7"',
    "a URL built from a base": 'f"{HOOK_BASE}/visma/{tenant}"',
    "unknown mode": "mode",
    "a call": "background_mode()",
    "None removes the header": "None",
}


@pytest.mark.parametrize("name", VALID)
def test_valid_or_unknown_value_is_not_reported(name: str) -> None:
    code = f'requests.post(u, headers={{"erp-api-background": {VALID[name]}}})\n'
    assert found(code, "VNI013") == []
    assert fixed(code) == code


def test_value_of_an_unrelated_header_is_not_judged() -> None:
    assert found('headers = {"x-mode": "async"}\n', "VNI013") == []
