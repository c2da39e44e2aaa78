"""The readiness score follows the table in its docstring."""

from migrator.report import score


def finding(severity: str, fix: str, fixable: bool = True, suppressed: bool = False) -> dict:
    return {"severity": severity, "fix": fix, "fixable": fixable, "suppressed": suppressed}


def test_nothing_left_scores_100_ready() -> None:
    result = score.compute([], {"layers": []}, {"endpoints": []})
    assert (result.value, result.after_fixes, result.grade) == (100, 100, "ready")


def test_points_per_finding_allowlist_layer_and_endpoint() -> None:
    findings = [finding("error", "manual", False), finding("error", "safe"), finding("warning", "review"),
                finding("info", "manual", False), finding("error", "manual", False, suppressed=True)]
    allowlist = {"layers": [{"verdict": "PARTIAL"}, {"verdict": "UNKNOWN"}, {"verdict": "ALLOWS"}]}
    probe = {"endpoints": [{"predicted_call_seconds": 250}, {"predicted_call_seconds": 200}, {"max": 10}]}
    result = score.compute(findings, allowlist, probe)
    assert result.value == 100 - (10 + 2 + 2) - (15 + 5) - (15 + 5)
    assert result.after_fixes == 100 - 10 - 20 - 20
    assert result.grade == "not ready"


def test_score_never_goes_below_zero_and_records_what_was_checked() -> None:
    result = score.compute([finding("error", "manual", False)] * 50, None, None)
    assert result.value == 0
    assert result.checked == {"scan": True, "allowlist": False, "probe": False}


def test_definition_is_the_module_docstring() -> None:
    assert score.DEFINITION.startswith("Migration-readiness score")
    assert "240 s" in score.DEFINITION


def test_an_allowlist_file_that_could_not_be_parsed_is_never_ready() -> None:
    """An audit whose only allowlist file was unparsable scored 100/100 "ready"."""
    allowlist = {"layers": [], "problems": ["deploy/nginx.conf:3: cannot parse: unexpected '}'"]}
    result = score.compute([], allowlist, None)
    assert result.grade != "ready" and result.value <= 89
    assert any("deploy/nginx.conf:3" in reason for reason in result.unknowns)
    assert result.penalties["unknown"] == 5


def test_files_not_checked_and_failed_checks_lower_the_score_and_say_why() -> None:
    problems = [{"path": "src/a.py", "line": 2, "message": "cannot parse: invalid syntax; file left untouched"}]
    checks = {"allowlist": {"status": "failed", "detail": "allowlist check failed: ValueError: x"}}
    result = score.compute([], None, {"endpoints": [{"endpoint": "/v1/customer", "verdict": "UNKNOWN"}]}, problems, checks)
    assert result.value == 100 - (5 + 5) - 10 and result.grade == "work left"
    assert [r.split(":")[0] for r in result.unknowns] == ["not checked", "endpoint not measured", "allowlist check failed"]
    assert result.after_fixes <= 89


def test_unknowns_cap_the_score_below_ready_even_when_points_are_few() -> None:
    result = score.compute([], {"layers": [{"verdict": "UNKNOWN", "path": "k8s/ingress.yaml", "line": 4}]}, None)
    assert result.value == 89 and result.grade == "work left" and "k8s/ingress.yaml:4" in result.unknowns[0]


def test_how_close_counts_sites_and_the_share_the_fixes_resolve() -> None:
    findings = [finding("error", "manual", False), finding("error", "safe"), finding("error", "review"),
                finding("warning", "safe"), finding("error", "manual", False, suppressed=True)]
    result = score.compute(findings, None, None)
    assert result.sites == 4
    assert result.fixable_share == round(100 * (2 + 5 + 1) / (10 + 2 + 5 + 1))
    assert score.compute([], None, None).fixable_share == 100
