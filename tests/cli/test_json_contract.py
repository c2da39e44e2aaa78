"""The JSON output carries results, not run state: no absolute path of the machine that ran the
scan, when the scan was given relative paths (VNI020 keeps where its helper goes as a real path
between stages; only its display form reaches the output)."""

from __future__ import annotations

import json
from pathlib import Path

from migrator.findings import RUN_STATE_EXTRA, Edit, Finding, FixSafety, Severity

GL = "https://integration.visma.net/API/controller/api/v1/generalLedgerTransactions"


def _package(root: Path) -> None:
    (root / "acme" / "jobs").mkdir(parents=True)
    (root / "acme" / "__init__.py").write_text("")
    (root / "acme" / "jobs" / "__init__.py").write_text("")
    (root / "acme" / "jobs" / "ledger.py").write_text(
        f'"""Ledger."""\nimport requests\n\n\ndef rows():\n    return requests.get("{GL}", params={{"pageSize": 9}}, timeout=300)\n')


def test_a_scan_given_relative_paths_writes_no_absolute_path(cli, tmp_path: Path) -> None:
    _package(tmp_path)
    done = cli("scan", "--format", "json", ".", cwd=tmp_path)
    document = json.loads(done.stdout)
    long_calls = [f for f in document["findings"] if f["rule"] == "VNI020"]
    assert long_calls and long_calls[0]["extra"]["helper_display"] == "acme/visma_background.py"
    assert str(tmp_path) not in done.stdout and str(tmp_path.resolve()) not in done.stdout


def test_run_state_keys_stay_out_of_the_json_form() -> None:
    finding = Finding("VNI020", Severity.WARNING, FixSafety.REVIEW, "a.py", 1, 1, 1, 2, "m", edits=(Edit(0, 1, "x"),),
                      extra={"helper_path": "/home/someone/a/visma_background.py", "helper_display": "a/visma_background.py"})
    assert "helper_path" in RUN_STATE_EXTRA
    assert finding.to_json()["extra"] == {"helper_display": "a/visma_background.py"}
    assert finding.extra["helper_path"] == "/home/someone/a/visma_background.py"  # the later stages still have it
