"""Regular expressions in rule files are user input: they run with a time limit per match and a size
limit, so a backtracking pattern cannot stall a run. `(a+)+b` on 40 characters takes hours in `re`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.rulefile import MAX_PATTERN_CHARS


def _rule(folder: Path, pattern: str) -> Path:
    folder.mkdir()
    (folder / "ZZZ001-custom.yaml").write_text(
        "id: ZZZ001\nname: custom-retired\ntitle: A custom retired endpoint\nseverity: error\nfix: manual\n"
        f"kind: retired-endpoint\nmessage: 'Retired: {{endpoint}}'\nrationale: test\nparameters:\n  endpoints: [{json.dumps(pattern)}]\n"
    )
    return folder


def _scan(*args: str) -> subprocess.CompletedProcess[str]:
    # the timeout is a guard against a hang (the old behaviour), not a measurement
    return subprocess.run([sys.executable, "-m", "migrator", "scan", "--format", "json", *args], capture_output=True, text=True, timeout=240)


# (a+)+b the regex engine answers at once; the alternation it cannot, and the time limit stops it
@pytest.mark.parametrize(("pattern", "gives_up"), [(r"(a+)+b", False), (r"(?:(a|aa)+)+$", True)], ids=["nested-plus", "alternation-in-plus"])
def test_a_backtracking_rule_pattern_no_longer_hangs_the_scan(tmp_path: Path, pattern: str, gives_up: bool) -> None:
    rules = _rule(tmp_path / "rules", pattern)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "client.py").write_text('# resources\nURL = "https://integration.visma.net/API/' + "a" * 40 + '!"\n')
    (tree / "other.py").write_text('URL = "https://integration.visma.net/API/controller/api/v1/customer"\n')

    try:
        run = _scan("--rules", str(rules), str(tree))
    except subprocess.TimeoutExpired:
        pytest.fail(f"{pattern} on 40 characters hung the scan")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert any(Path(f["path"]).name == "other.py" for f in report["findings"])  # the run went on
    assert bool(report["problems"]) is gives_up
    for problem in report["problems"]:  # where the engine gave up, it says so, naming file and rule
        assert Path(problem["path"]).name == "client.py" and "ZZZ001" in problem["message"]


def test_an_oversized_rule_pattern_is_a_configuration_error(tmp_path: Path) -> None:
    rules = _rule(tmp_path / "rules", "x" * (MAX_PATTERN_CHARS + 1))
    run = _scan("--rules", str(rules), str(tmp_path))
    assert run.returncode == 2
    assert "ZZZ001-custom.yaml" in run.stderr and "longer than" in run.stderr and len(run.stderr.strip().splitlines()) == 1
