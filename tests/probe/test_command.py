"""`vni-migrate probe` end to end: scan a folder, probe the in-process sandbox, table, JSON, exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from migrator.cli import cli

LEGACY = '''
BASE = "https://integration.visma.net/API/controller/api/v1"
PAGE_SIZE = 1000
def customers(s):
    return s.get(f"{BASE}/customer", params={"pageSize": PAGE_SIZE})
def journal(s):
    return s.get(BASE + "/journaltransaction", params={"pageSize": PAGE_SIZE})
'''


def _run(args, env=None):
    return CliRunner().invoke(cli, ["probe", *args], env=env or {})


def test_sandbox_probe_writes_json_and_exits_1_on_approaching(tmp_path):
    (tmp_path / "sync.py").write_text(LEGACY)
    out = tmp_path / "probe.json"
    result = _run([str(tmp_path), "--sandbox", "--time-scale", "0.003", "--records", "1500", "--repeat", "1",
                   "--json", str(out)])
    assert result.exit_code == 1, result.output
    document = json.loads(out.read_text())
    rows = {row["endpoint"]: row for row in document["endpoints"]}
    assert set(rows) == {"/v1/customer", "/v1/journaltransaction"}
    assert rows["/v1/journaltransaction"]["verdict"] == "APPROACHING"
    assert rows["/v1/customer"]["verdict"] == "OK"
    for row in rows.values():
        assert {"endpoint", "samples", "p50", "p95", "max", "predicted_call_seconds", "predicted_sweep_seconds",
                "verdict", "background_roundtrip"} <= set(row)
        assert row["background_roundtrip"]["content_matches"] is True
        assert row["page_size"] == 1000 and row["page_size_source"] == "code"
    assert document["thresholds"] == {"approaching": 192.0, "exceeds": 240.0}
    assert "journaltransaction" in result.output and "APPROACHING" in result.output
    assert "Bearer" not in result.output and "Bearer" not in out.read_text()


def test_all_ok_exits_0(tmp_path):
    result = _run(["--sandbox", "--endpoint", "/v1/account:100", "--time-scale", "0.002", "--records", "300",
                   "--repeat", "1", "--no-background"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert _run(["--endpoint", "/v1/customer"]).exit_code == 2  # neither --sandbox nor --base-url
    assert _run(["--sandbox", "--base-url", "https://x.test", "--endpoint", "/v1/customer"]).exit_code == 2
    no_creds = _run(["--base-url", "https://api.finance.visma.net", "--endpoint", "/v1/customer"])
    assert no_creds.exit_code == 2 and "VISMA_ACCESS_TOKEN" in no_creds.output
    assert _run(["--sandbox", str(tmp_path)]).exit_code == 2  # nothing to probe


def test_bad_token_stops_with_2_and_never_prints_it():
    result = _run(["--sandbox", "--endpoint", "/v1/account:100", "--time-scale", "0.002", "--records", "100"],
                  env={"VISMA_ACCESS_TOKEN": "super-secret-token-value"})
    assert result.exit_code == 2
    assert "401" in result.output
    assert "super-secret-token-value" not in result.output
