"""VNI033: ipp-company-id / ipp-application-type entries leave header literals cleanly (review fix)."""

import pytest

from tests.background_auth.helpers import fixed, found

FIXED = {
    "own lines in a multi-line dict": (
        'headers = {\n    "Authorization": a,\n    "ipp-company-id": c,\n    "ipp-application-type": "Visma.net Financials",\n}\n',
        'headers = {\n    "Authorization": a,\n}\n',
    ),
    "first of several, inline": (
        'requests.get(u, headers={"ipp-company-id": c, "Authorization": a})\n',
        'requests.get(u, headers={"Authorization": a})\n',
    ),
    "last, inline": (
        'requests.get(u, headers={"Authorization": a, "ipp-company-id": c})\n',
        'requests.get(u, headers={"Authorization": a})\n',
    ),
    "last, inline, trailing comma": (
        'requests.get(u, headers={"Authorization": a, "ipp-company-id": c,})\n',
        'requests.get(u, headers={"Authorization": a})\n',
    ),
    "middle, inline": (
        'headers = {"A": 1, "ipp-company-id": c, "B": 2}\n',
        'headers = {"A": 1, "B": 2}\n',
    ),
    "two in a row at the end, inline": (
        'headers = {"A": 1, "ipp-company-id": c, "ipp-application-type": t}\n',
        'headers = {"A": 1}\n',
    ),
    "two apart, inline": (
        'headers = {"ipp-company-id": c, "A": 1, "ipp-application-type": t, "B": 2}\n',
        'headers = {"A": 1, "B": 2}\n',
    ),
    "the only entries": (
        'headers = {"ipp-company-id": c, "ipp-application-type": t}\n',
        'headers = {}\n',
    ),
    "only entry on its own line": (
        's.headers.update({\n    "ipp-company-id": c,\n})\n',
        's.headers.update({\n})\n',
    ),
    "last line without a trailing comma": (
        'headers = {\n    "A": 1,\n    "ipp-company-id": c\n}\n',
        'headers = {\n    "A": 1,\n}\n',
    ),
    "entry line with a comment": (
        'headers = {\n    "A": 1,\n    "ipp-company-id": c,  # ERP company\n    "B": 2,\n}\n',
        'headers = {\n    "A": 1,\n    "B": 2,\n}\n',
    ),
    "value over several lines": (
        'headers = {\n    "A": 1,\n    "ipp-company-id": (\n        config.COMPANY\n    ),\n}\n',
        'headers = {\n    "A": 1,\n}\n',
    ),
    "value from the environment": (
        'import os\nheaders = {"A": 1, "ipp-company-id": os.getenv("COMPANY", "1")}\n',
        'import os\nheaders = {"A": 1}\n',
    ),
    "subscript store on its own line": (
        'def f(headers):\n    headers["ipp-company-id"] = c\n    return headers\n',
        'def f(headers):\n    return headers\n',
    ),
    "case-insensitive name": (
        'headers = {"IPP-Company-Id": c, "A": 1}\n',
        'headers = {"A": 1}\n',
    ),
}


@pytest.mark.parametrize("name", FIXED)
def test_entry_is_removed_cleanly_with_unsafe_fixes(name: str) -> None:
    before, after = FIXED[name]
    assert fixed(before, unsafe=True) == after
    assert fixed(before) == before  # a review fix: plain `fix` leaves it
    assert {f.fix.value for f in found(before, "VNI033")} == {"review"}


REPORTED_NOT_EDITED = {
    "read elsewhere in the file": 'headers = {"A": 1, "ipp-company-id": c}\nlog(headers["ipp-company-id"])\n',
    "value calls code": 'headers = {"A": 1, "ipp-company-id": lookup_company()}\n',
    "the only statement of its block": 'def f(headers):\n    headers["ipp-company-id"] = c\n',
    "two statements on one line": 'def f(headers):\n    headers["ipp-company-id"] = c; x = 1\n    return x\n',
}


@pytest.mark.parametrize("name", REPORTED_NOT_EDITED)
def test_reported_without_an_edit_when_removal_is_not_clean(name: str) -> None:
    code = REPORTED_NOT_EDITED[name]
    findings = found(code, "VNI033")
    assert findings and not any(f.edits for f in findings)
    assert fixed(code, unsafe=True) == code


UNCHANGED = {
    "no ipp header": 'headers = {"Authorization": a}\n',
    "query parameters": 'requests.get(u, params={"ipp-company-id": c})\n',
    "json body": 'requests.post(u, json={"ipp-company-id": c})\n',
}


@pytest.mark.parametrize("name", UNCHANGED)
def test_not_a_header_literal(name: str) -> None:
    code = UNCHANGED[name]
    assert found(code, "VNI033") == []
    assert fixed(code, unsafe=True) == code


def test_dict_with_unpacking_keeps_the_rest() -> None:
    before = 'headers = {**base, "ipp-company-id": c, "A": 1}\n'
    assert fixed(before, unsafe=True) == 'headers = {**base, "A": 1}\n'


COMPANY_LOOP = '''
import requests

TOKEN = "one token for every company"
BASE = "https://api.finance.visma.net/v1"


def export_all(companies):
    rows = {}
    for company in companies:
        headers = {"Authorization": f"Bearer {TOKEN}", "ipp-company-id": company,
                   "ipp-application-type": "Visma.net Financials"}
        rows[company] = requests.get(f"{BASE}/customer", headers=headers).json()
    return rows
'''


def test_company_loop_keeps_ipp_company_id_and_explains_per_tenant_tokens() -> None:
    out = fixed(COMPANY_LOOP, unsafe=True)
    assert '"ipp-company-id": company' in out  # before: removed, every company read the token's tenant
    assert '"ipp-application-type"' not in out  # a constant: still removed
    (company,) = [f for f in found(COMPANY_LOOP, "VNI033") if "ipp-company-id" in f.message]
    assert company.fix.value == "manual" or not company.edits
    assert "`company` is a loop variable" in company.message
    assert "one token per company" in company.message and "tenant_id" in company.message


def test_company_passed_per_call_is_kept_and_reported() -> None:
    code = 'def fetch(session, company_id):\n    session.headers["ipp-company-id"] = company_id\n    return session.get("https://api.finance.visma.net/v1/customer")\n'
    assert fixed(code, unsafe=True) == code
    (finding,) = found(code, "VNI033")
    assert "`company_id` is a parameter" in finding.message and not finding.edits


def test_ipp_headers_on_other_hosts_are_not_reported() -> None:
    code = 'requests.get("https://salesorder.visma.net/api/v1/orders", headers={"ipp-company-id": "1"})\n'
    assert found(code, "VNI033") == []
    mixed = code + 'requests.get("https://api.finance.visma.net/v1/customer", headers={"ipp-company-id": "1"})\n'
    assert len(found(mixed, "VNI033")) == 2  # the file calls API Management: checked as before
