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
