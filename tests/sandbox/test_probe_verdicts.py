"""`vni-migrate probe --sandbox` on code that calls department, ledger balance, inventory and journal
transaction endpoints: a verdict for each (none UNKNOWN), hosts outside the move never probed, and the
timings labelled as the emulator's model."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

TREE = ROOT / "tests/fixtures/probe_department_ledger"


def test_probe_gives_a_verdict_for_each_endpoint_and_skips_other_hosts(tmp_path):
    out = tmp_path / "probe.json"
    run = subprocess.run([sys.executable, "-m", "migrator", "probe", str(TREE), "--sandbox", "--records", "1200",
                          "--json", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode in (0, 1), run.stderr  # 1: an endpoint EXCEEDS the cut
    verdicts = {e["endpoint"]: e["verdict"] for e in json.loads(out.read_text())["endpoints"]}
    assert verdicts == {"/v1/department": "OK", "/v2/generalLedgerBalance": "APPROACHING",
                        "/v1/inventory": "EXCEEDS", "/v2/journaltransaction": "APPROACHING"}
    assert "/v1/salesorder" not in verdicts  # salesorder.visma.net is outside the move
    assert "emulator's own latency model" in run.stdout
