"""Manual steps list the findings of their rules (not every message with a word in it), the
listener VNI011 found, and only files that exist; "do this first" is ordered by deadline, then harm;
the support section lists the probe's failed or slow transactions."""

from migrator.report import model
from migrator.report.first_steps import first_steps
from migrator.report.manual_steps import manual_steps
from migrator.report.support import support_text, transactions


def _finding(rule: str, path: str, line: int, fix: str = "manual", message: str = "see https://example.com", **extra) -> dict:
    return {"rule": rule, "severity": "error", "fix": fix, "path": path, "line": line, "column": 1, "end_line": line,
            "end_column": 2, "message": message, "suppressed": False, "fixable": fix != "manual", "replacement": None,
            "fingerprint": f"{rule}{path}{line}".ljust(32, "0")[:32], **({"extra": extra} if extra else {})}


def _document(findings, allowlist=None, probe=None) -> dict:
    return {"scan": {"findings": findings}, "allowlist": allowlist, "probe": probe, "score": {"unknowns": []}}


def test_https_step_lists_only_http_webhook_findings() -> None:
    findings = [_finding("VNI001", "a.py", 1, "safe", "Old VNI URL https://integration.visma.net/..."),
                _finding("VNI014", "hooks.py", 7, message="webhook target over http://hooks.example.com")]
    steps = {s["id"]: s for s in manual_steps(_document(findings))}
    assert steps["https-webhooks"]["items"] == ["hooks.py:7"]
    assert steps["visma-connect-credentials"]["items"] == []  # "token" in a VNI001 message is not an auth finding


def test_listener_comes_from_the_route_vni011_found_not_the_unknown_text() -> None:
    findings = [_finding("VNI011", "visma_sync/webhooks.py", 12, "review")]
    allowlist = {"listener": "unknown (no webhook route found; pass --listener-url)", "layers": []}
    (step, *_) = manual_steps(_document(findings, allowlist))
    assert "listener unknown" not in step["detail"] and "visma_sync/webhooks.py:12" in step["detail"]
    assert step["items"] == ["visma_sync/webhooks.py:12"]


def test_a_file_the_fix_would_create_is_not_cited() -> None:
    findings = [_finding("VNI020", "visma_background.py", 1, "review", creates_file=True),
                _finding("VNI006", "settings.py", 3)]
    cited = [item for step in manual_steps(_document(findings)) for item in step["items"]]
    assert "visma_background.py:1" not in cited and "settings.py:3" in cited


def test_do_this_first_orders_by_deadline_then_harm() -> None:
    findings = [_finding("VNI001", "a.py", 1, "safe"), _finding("VNI032", "auth.py", 2),
                _finding("VNI010", "bg.py", 3, "review")]
    allowlist = {"layers": [{"verdict": "BLOCKS", "path": "nginx.conf", "line": 4}]}
    titles = [item["title"] for item in first_steps(_document(findings, allowlist))]
    assert titles[0].startswith("Let the three Webhook Dispatcher IPs")
    assert titles.index("Switch authentication to Visma Connect") < titles.index("Run vni-migrate fix and commit the result")
    assert titles[-1].startswith("Review")


def test_support_rows_are_the_failed_or_slow_transactions_and_redacted() -> None:
    probe = {"base_url": "https://api.finance.visma.net", "endpoints": [
        {"endpoint": "/v1/customer", "verdict": "OK", "measurements": [{"status": 200, "total": 1.2, "page_size": 100, "page_number": 1}]},
        {"endpoint": "/v1/journaltransaction", "verdict": "EXCEEDS", "measurements": [
            {"status": 504, "total": 240.0, "ttfb": 240.0, "page_size": 1000, "page_number": 1, "request_id": "abc-123"}]},
    ]}
    document = model.build(project="p", scan=model.scan_document([], [], 1), probe=probe)
    rows = transactions(document)
    assert [(r["status"], r["verdict"]) for r in rows] == [(504, "EXCEEDS")]
    text = support_text(document)
    assert "GET https://api.finance.visma.net/v1/journaltransaction?pageNumber=1&pageSize=1000 -> 504" in text
    assert "request_id=abc-123" in text
