"""`vni-migrate probe --sandbox` on code that calls department, ledger balance, inventory and journal
transaction endpoints: a verdict for each (none UNKNOWN), hosts outside the move never probed, and the
timings labelled as the emulator's model."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT

TREE = ROOT / "tests/fixtures/probe_department_ledger"


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Any]:
    out = tmp_path_factory.mktemp("probe") / "probe.json"
    run = subprocess.run([sys.executable, "-m", "migrator", "probe", str(TREE), "--sandbox", "--records", "1200",
                          "--json", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode in (0, 1), run.stderr  # 1: an endpoint EXCEEDS the cut
    return {e["endpoint"]: e["verdict"] for e in json.loads(out.read_text())["endpoints"]}, run


def test_probe_gives_a_verdict_for_each_endpoint_and_skips_other_hosts(probed):
    verdicts, run = probed
    assert set(verdicts) == {"/v1/department", "/v2/generalLedgerBalance", "/v1/inventory", "/v2/journaltransaction"}
    assert "UNKNOWN" not in verdicts.values()
    assert (verdicts["/v1/department"], verdicts["/v2/generalLedgerBalance"], verdicts["/v1/inventory"]) == \
        ("OK", "APPROACHING", "EXCEEDS")
    assert "/v1/salesorder" not in verdicts  # salesorder.visma.net is outside the move
    assert "emulator's own latency model" in run.stdout


@pytest.mark.xfail(strict=True, reason="the probe fits time against records per page, but /v2/journaltransaction "
                                       "pages by journal lines (2 per batch here): it predicts twice the time")
def test_line_paged_journal_transactions_are_predicted_at_their_page_size(probed):
    verdicts, _ = probed
    assert verdicts["/v2/journaltransaction"] == "APPROACHING"  # 1000 lines take 216 model s
