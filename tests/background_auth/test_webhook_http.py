"""VNI014: webhook targets must be https."""

import pytest

from tests.background_auth.helpers import found

REPORTED = {
    "hookUri in a subscription body": 'body = {"event": "customer_changed", "hookUri": "http://h.example.com/c"}\n',
    "WEBHOOK_URL constant": 'WEBHOOK_URL = "http://h.example.com/in"\n',
    "prefixed constant": 'VISMA_WEBHOOK_URL = "http://h.example.com/in"\n',
    "keyword argument": 'subscribe(hook_uri="http://h.example.com/in")\n',
    "attribute": 'class S:\n    def __init__(self):\n        self.webhook_address = "http://h.example.com/in"\n',
    "f-string with an unknown host": 'subscribe(webhook_url=f"http://{HOST}/in")\n',
    "environment default": 'import os\nWEBHOOK_URL = os.getenv("WEBHOOK_URL", "http://h.example.com/in")\n',
}


@pytest.mark.parametrize("name", REPORTED)
def test_http_webhook_target_is_reported(name: str) -> None:
    findings = found(REPORTED[name], "VNI014")
    assert len(findings) == 1
    assert "https" in findings[0].message and not findings[0].edits


def test_a_literal_used_twice_is_reported_once_where_it_is_written() -> None:
    code = 'HOOK_URL = "http://h.example.com/in"\nbody = {"event": "customer_changed", "hookUri": HOOK_URL}\n'
    findings = found(code, "VNI014")
    assert [f.line for f in findings] == [1]


UNCHANGED = {
    "https": 'body = {"hookUri": "https://h.example.com/c"}\n',
    "loopback test listener": 'WEBHOOK_URL = "http://127.0.0.1:9000/hooks"\n',
    "localhost": 'WEBHOOK_URL = "http://localhost:9000/hooks"\n',
    "not a webhook name": 'API_URL = "http://example.com/api"\n',
    "oauth redirect": 'redirect_uri = "http://h.example.com/callback"\n',
    "background header URL (VNI010's)": 'requests.post(u, headers={"erp-api-background": "http://h.example.com/x"})\n',
}


@pytest.mark.parametrize("name", UNCHANGED)
def test_not_reported(name: str) -> None:
    assert found(UNCHANGED[name], "VNI014") == []
