"""VNI030 / VNI031: retired VNI endpoints are reported once, never rewritten by the URL rules."""

import pytest

from tests.background_auth.helpers import fixed, found, rules_at

OLD = "https://integration.visma.net/API"

REPORTED = {
    "event list": ("VNI030", f'requests.get("{OLD}/resources/v1/event")\n'),
    "subscription create": ("VNI030", f'requests.post("{OLD}/resources/v1/subscription", json=body)\n'),
    "subscription by id, f-string on a base": (
        "VNI030",
        f'BASE = "{OLD}"\ndef rm(i):\n    return s.delete(f"{{BASE}}/resources/v1/subscription/{{i}}")\n',
    ),
    "base + path": ("VNI030", f'BASE = "{OLD}/"\nU = BASE + "resources/v1/event"\n'),
    "percent formatting": ("VNI030", f'BASE = "{OLD}"\nU = "%s/resources/v1/event" % BASE\n'),
    "httpx client base_url": (
        "VNI030",
        f'import httpx\nwith httpx.Client(base_url="{OLD}") as h:\n    h.get("/resources/v1/event")\n',
    ),
    "urljoin": ("VNI030", f'from urllib.parse import urljoin\nU = urljoin("{OLD}/", "resources/v1/subscription")\n'),
    "unknown base, VNI /API/ prefix": ("VNI030", 'def f(base):\n    return base + "/API/resources/v1/event"\n'),
    "host already swapped": ("VNI030", 'U = "https://api.finance.visma.net/API/resources/v1/event"\n'),
    "host case": ("VNI030", 'U = "HTTPS://Integration.Visma.NET/api/resources/v1/Event"\n'),
    "context": ("VNI031", f'requests.get("{OLD}/resources/v1/context")\n'),
    "context by id": ("VNI031", f'requests.get("{OLD}/resources/v1/context/" + cid)\n'),
    "notification": ("VNI031", f'U = "{OLD}/resources/v1/notification?pageSize=10"\n'),
    "serviceStatus": ("VNI031", f'U = "{OLD}/resources/v1/serviceStatus"\n'),
    "security service": ("VNI031", f'U = "{OLD}/security/api/v1/user/current"\n'),
    "VNI token endpoint is VNI032's": ("VNI032", f'U = "{OLD}/security/api/v2/token"\n'),
    "VNI authorize endpoint": ("VNI032", f'U = "{OLD}/resources/oauth/authorize?client_id=x"\n'),
}


@pytest.mark.parametrize("name", REPORTED)
def test_retired_endpoint_is_reported_once_and_left_alone(name: str) -> None:
    rule, code = REPORTED[name]
    findings = found(code)
    endpoint_rules = [f.rule for f in findings if f.rule in ("VNI030", "VNI031", "VNI032")]
    assert endpoint_rules == [rule], findings
    # One finding per URL: the URL rules do not report or rewrite it as well.
    assert not [f for f in findings if f.rule in ("VNI001", "VNI002", "VNI003")], findings
    assert fixed(code, unsafe=True) == code
    assert not found(code, rule)[0].edits


def test_vni030_message_explains_developer_portal_and_entity_events() -> None:
    (finding,) = found(f'requests.get("{OLD}/resources/v1/event")\n', "VNI030")
    assert "Developer Portal" in finding.message
    assert "Customer Changed" in finding.message and "customer_changed" in finding.message


def test_vni031_message_explains_the_tenant() -> None:
    (finding,) = found(f'requests.get("{OLD}/resources/v1/context")\n', "VNI031")
    assert "tenant" in finding.message


NOT_VISMA = {
    "event path on another host": 'requests.get("https://events.example.com/resources/v1/event")\n',
    "subscription on another client": (
        'import httpx\nwith httpx.Client(base_url="https://api.example.org") as h:\n    h.post("/resources/v1/subscription")\n'
    ),
    "relative path, unknown base": 'def f(base):\n    return base + "/resources/v1/event"\n',
    "another resource that starts alike": f'U = "{OLD}/resources/v1/eventlog"\n',
    "new API feedback endpoint": 'U = "https://api.finance.visma.net/v1/webhooknotificationfeedback"\n',
    "other API's security path": 'U = "https://auth.example.com/API/security/api/v1/user"\n',
}


@pytest.mark.parametrize("name", NOT_VISMA)
def test_other_hosts_are_not_reported(name: str) -> None:
    code = NOT_VISMA[name]
    assert not [f for f in found(code) if f.rule in ("VNI030", "VNI031", "VNI032")]
    assert fixed(code, unsafe=True) == code


def test_a_base_used_only_for_retired_endpoints_is_not_a_partial_base() -> None:
    code = f'BASE = "{OLD}"\nEVENTS = BASE + "/resources/v1/event"\nCTX = BASE + "/resources/v1/context"\n'
    assert rules_at(code) == [("VNI030", 2), ("VNI031", 3)]


def test_a_base_that_also_builds_a_retired_endpoint_is_not_moved() -> None:
    """Moving the base would send the retired call to the new host, where it does not exist: the
    live join is reported with the reason, and the retired call is reported as before."""
    code = f'BASE = "{OLD}"\nEVENTS = BASE + "/resources/v1/event"\nC = BASE + "/controller/api/v1/customer"\n'
    assert fixed(code, unsafe=True) == code
    assert ("VNI030", 2) in rules_at(code)
    assert any("retired endpoint" in f.message and f.line == 3 for f in found(code))


def test_an_endpoint_constant_used_in_an_f_string_is_reported_once_where_defined() -> None:
    code = (
        f'AUTHORIZE = "{OLD}/resources/oauth/authorize"\n'
        'def url(client_id):\n    return f"{AUTHORIZE}?response_type=code&client_id={client_id}"\n'
    )
    assert rules_at(code) == [("VNI032", 1)]
