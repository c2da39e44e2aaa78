from migrator.edits import select_edits
from migrator.findings import Edit, Finding, FixSafety, Severity
from tests.engine.helpers import findings, fix


def test_suppression_on_the_line_and_above() -> None:
    code = (
        'A = "https://integration.visma.net/API/controller/api/v1/a"  # vni-migrate: ignore[VNI001] archived\n'
        "# vni-migrate: ignore[VNI001]\n"
        'B = "https://integration.visma.net/API/controller/api/v1/b"\n'
        'C = "https://integration.visma.net/API/controller/api/v1/c"\n'
    )
    out = fix(code)
    assert out.splitlines()[0].startswith('A = "https://integration.visma.net')
    assert out.splitlines()[2].startswith('B = "https://integration.visma.net')
    assert out.splitlines()[3] == 'C = "https://api.finance.visma.net/v1/c"'
    suppressed = [f for f in findings(code) if f.suppressed]
    assert len(suppressed) == 2


def test_unused_suppression_is_reported() -> None:
    code = 'X = 1  # vni-migrate: ignore[VNI001]\n'
    (finding,) = findings(code)
    assert finding.rule == "VNI900" and "VNI001" in finding.message


def test_suppressed_path_keeps_its_shared_base_unchanged() -> None:
    code = (
        'BASE = "https://integration.visma.net/API"\n'
        'A = BASE + "/controller/api/v1/a"\n'
        'B = BASE + "/controller/api/v1/b"  # vni-migrate: ignore[VNI002]\n'
    )
    assert fix(code) == code  # fixing A alone would break B


def _finding(edits, fix=FixSafety.SAFE, line=1):
    return Finding("VNI001", Severity.ERROR, fix, "t.py", line, 1, line, 2, "m", edits=tuple(edits))


def test_overlapping_edits_are_not_merged() -> None:
    a = _finding([Edit(0, 10, "x")])
    b = _finding([Edit(5, 15, "y")], line=2)
    edits, fixed = select_edits([a, b], unsafe=False)
    assert edits == [Edit(0, 10, "x")]
    assert fixed == [a]
    assert "overlap" in b.extra["skipped"]


def test_group_applies_whole_or_not_at_all() -> None:
    shared = Edit(0, 4, "")
    safe = _finding([shared, Edit(10, 12, "")])
    review = _finding([shared, Edit(20, 22, "")], fix=FixSafety.REVIEW, line=2)
    assert select_edits([safe, review], unsafe=False) == ([], [])
    edits, fixed = select_edits([safe, review], unsafe=True)
    assert len(edits) == 3 and len(fixed) == 2
