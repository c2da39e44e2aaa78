"""VNI010 on its own (one file): how an erp-api-background webhook URL becomes subscription headers."""

from __future__ import annotations

import pytest

from migrator.findings import FixSafety
from tests.engine.helpers import findings, fix


def _vni010(code: str):
    return [f for f in findings(code) if f.rule == "VNI010"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # query arguments keep their names
        ('H = {"erp-api-background": "https://hooks.example.com/hook?tenant=42&batch=7"}\n',
         'H = {"erp-api-background": "subscription:tenant=42,batch=7"}\n'),
        # f-strings stay f-strings; interpolated path segments are named after their variables
        ('def h(tenant, batch):\n    return {"erp-api-background": f"https://hooks.example.com/v/{tenant}/jobs?batch={batch}"}\n',
         'def h(tenant, batch):\n    return {"erp-api-background": f"subscription:tenant={tenant},batch={batch}"}\n'),
        # interpolated expressions keep their source; quotes inside them pick the other quote
        ("def h(job, n):\n    return {'erp-api-background': f'https://hooks.example.com/{job[\"id\"]}?n={n + 1}'}\n",
         "def h(job, n):\n    return {'erp-api-background': f'subscription:id={job[\"id\"]},n={n + 1}'}\n"),
        # concatenation with str(...) becomes an f-string; a URL constant is followed, not edited
        ('BASE = "https://hooks.example.com/visma"\ndef h(t, b):\n    return {"erp-api-background": BASE + "/" + t + "/x?batch_no=" + str(b)}\n',
         'BASE = "https://hooks.example.com/visma"\ndef h(t, b):\n    return {"erp-api-background": f"subscription:t={t},batch-no={b}"}\n'),
        # a single-use local holding the URL is fixed where it is defined
        ('def h(s, t):\n    url = f"https://hooks.example.com/{t}/done"\n    s.get("/x", headers={"erp-api-background": url})\n',
         'def h(s, t):\n    url = f"subscription:t={t}"\n    s.get("/x", headers={"erp-api-background": url})\n'),
        # item assignment and percent-encoded literals (decoded: the listener used to get them decoded)
        ('h = {}\nh["erp-api-background"] = "https://hooks.example.com/hook?name=a%2Fb&mode=full+run"\n',
         'h = {}\nh["erp-api-background"] = "subscription:name=a/b,mode=full run"\n'),
        # generated clients take it as a keyword
        ('def go(api, c):\n    return api.export(erp_api_background=f"https://hooks.example.com/{c.tenant}/done")\n',
         'def go(api, c):\n    return api.export(erp_api_background=f"subscription:tenant={c.tenant}")\n'),
    ],
)
def test_rewrites_with_unsafe_fixes(before: str, after: str) -> None:
    assert fix(before, unsafe=True) == after
    assert fix(before, unsafe=False) == before  # a review fix: nothing without --unsafe-fixes


def test_finding_names_the_manual_portal_step_and_carries_the_url_pieces() -> None:
    (finding,) = _vni010('def h(t, b):\n    return {"erp-api-background": f"https://hooks.example.com/visma/{t}/jobs?batch={b}"}\n')
    assert finding.fix is FixSafety.REVIEW
    assert "BACKGROUND_API_RESPONSE" in finding.message
    assert "https://hooks.example.com/visma/jobs" in finding.message
    webhook = finding.extra["webhook"]
    assert webhook["host"] == "hooks.example.com" and webhook["path"] == "/visma/{t}/jobs"
    assert webhook["query"] == ["batch"] and webhook["expressions"] == ["b", "t"]


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ('H = {"erp-api-background": "https://hooks.example.com/hook?ids=1,2"}\n', "contains a comma"),
        ('H = {"erp-api-background": "https://hooks.example.com/hook?f=a%3Db"}\n', "contains an '='"),
        ('H = {"erp-api-background": "https://hooks.example.com/hook?host=a"}\n', "clash with the standard host header"),
        ('H = {"erp-api-background": "https://hooks.example.com/hook?a%20b=1"}\n', "not a valid HTTP header name"),
        ('from urllib.parse import quote\ndef h(n):\n    return {"erp-api-background": f"https://h.example.com/x?n={quote(n)}"}\n',
         "URL-encoded"),
        ('def h(q):\n    return {"erp-api-background": f"https://h.example.com/x?{q}"}\n', "built at run time"),
        ('def h(j):\n    return {"erp-api-background": f"https://h.example.com/{j.parts[0] + 1}/x"}\n', "cannot be named"),
        ('def h(settings):\n    return {"erp-api-background": settings.WEBHOOK_URL}\n', "cannot read"),
        ('def h(t):\n    return {"erp-api-background": "https://h.example.com/{}/x".format(t)}\n', "str.format or %"),
        ('def h(t):\n    return {"erp-api-background": "https://h.example.com/%s/x" % t}\n', "str.format or %"),
    ],
)
def test_values_that_cannot_travel_are_manual_and_say_why(code: str, why: str) -> None:
    (finding,) = _vni010(code)
    assert finding.fix is FixSafety.MANUAL and not finding.edits
    assert why in finding.message
    assert fix(code, unsafe=True) == code.lstrip("\n") or fix(code, unsafe=True) == code


@pytest.mark.parametrize(
    "code",
    [
        'H = {"erp-api-background": "none"}\n',
        'H = {"erp-api-background": "subscription:tenant=42"}\n',
        'def h(t):\n    return {"erp-api-background": f"subscription:tenant={t}"}\n',
        'H = {"X-Callback": "https://hooks.example.com/hook?tenant=42"}\n',
        'def h(mode):\n    return {"erp-api-background": mode}\n',
    ],
)
def test_must_not_change(code: str) -> None:
    assert _vni010(code) == []
    assert fix(code, unsafe=True) == code
