"""The `vni-migrate allowlist` command: exit codes, JSON contract, atomic --fix, VNI040 findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from migrator.allowlist import audit, findings
from migrator.commands.allowlist import command
from migrator.findings import FixSafety, Severity

from .conftest import FIXTURES

URL = "http://hooks.example.com/webhooks/visma"


def run(*args: str):
    return CliRunner().invoke(command, list(args))


def test_exit_0_when_all_layers_allow() -> None:
    assert run(str(FIXTURES / "nginx" / "allows"), "--listener-url", URL).exit_code == 0


def test_exit_1_and_json_layers_when_a_sender_is_missing() -> None:
    result = run(str(FIXTURES / "nginx" / "partial"), "--listener-url", URL, "--format", "json")
    assert result.exit_code == 1
    (layer,) = json.loads(result.output)["layers"]
    assert set(layer) == {"path", "line", "format", "scope", "verdict", "missing", "detail"}
    assert (layer["verdict"], layer["missing"], layer["line"]) == ("PARTIAL", ["54.220.26.45"], 7)


def test_exit_2_on_bad_listener_url_and_on_unparseable_input(tmp_path: Path) -> None:
    assert run(str(FIXTURES / "nginx" / "partial"), "--listener-url", "hooks").exit_code == 2
    broken = tmp_path / "nginx.conf"
    broken.write_text("http {\n    server {\n        location /webhooks/ {\n            allow 10.0.0.1;\n            deny all;\n")
    result = run(str(broken))
    assert result.exit_code == 2
    assert "nginx.conf:" in result.output


def test_fix_writes_atomically_and_keeps_mode(tmp_path: Path) -> None:
    tree = tmp_path / "site"
    shutil.copytree(FIXTURES / "nginx" / "partial", tree)
    conf = tree / "nginx.conf"
    conf.chmod(0o640)
    result = run(str(tree), "--listener-url", URL, "--fix")
    assert result.exit_code == 0, result.output
    assert "allow 54.220.26.45;" in conf.read_text()
    assert conf.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tree.iterdir()) == ["nginx.conf"]


def test_findings_map_verdicts_to_severity_and_fix_safety() -> None:
    partial = findings(audit([FIXTURES / "nginx" / "partial"], URL))
    assert [(f.rule, f.severity, f.fix) for f in partial] == [("VNI040", Severity.ERROR, FixSafety.SAFE)]
    assert partial[0].edits and "54.220.26.45" in partial[0].message
    manual = findings(audit([FIXTURES / "kubernetes" / "networkpolicy_except.yaml"], URL))
    assert manual[0].fix is FixSafety.MANUAL and "ipBlock: {cidr: 54.220.26.45/32}" in manual[0].message
    unknown = findings(audit([FIXTURES / "nginx" / "unresolved_include"], URL))
    assert unknown[0].severity is Severity.WARNING
    assert findings(audit([FIXTURES / "nginx" / "allows"], URL)) == []
