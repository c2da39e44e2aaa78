"""`vni-migrate audit` and `vni-migrate report`: outputs, exit codes, one-line errors."""

import json
from pathlib import Path

from click.testing import CliRunner

from migrator.cli import cli
from migrator.report import model

from .conftest import LEGACY_APP


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_audit_writes_json_and_html_and_exits_1_while_findings_remain(engine: str, tmp_path: Path) -> None:
    out_json, out_html = tmp_path / "a.json", tmp_path / "a.html"
    result = run("audit", str(LEGACY_APP), "--json", str(out_json), "--html", str(out_html))
    assert result.exit_code == 1, result.output
    assert "readiness" in result.output and f"wrote {out_html}" in result.output
    document = json.loads(out_json.read_text())
    assert model.validation_errors(document) == []
    assert document["probe"] is None and document["checks"]["probe"]["status"] == "skipped"
    assert out_html.read_text().startswith("<!DOCTYPE html>")


def test_audit_of_clean_code_exits_0(engine: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('BASE = "https://api.finance.visma.net/v1"\n')
    result = run("audit", str(tmp_path))
    assert result.exit_code == 0, result.output


def test_audit_without_the_probe_package_records_null_and_says_so(engine: str, tmp_path: Path, monkeypatch) -> None:
    import importlib

    real_import = importlib.import_module

    def no_probe(name: str, *a, **k):
        if name == "migrator.commands.probe":
            raise ImportError("No module named migrator.commands.probe")
        return real_import(name, *a, **k)

    monkeypatch.setattr(importlib, "import_module", no_probe)
    out_json = tmp_path / "a.json"
    result = run("audit", str(LEGACY_APP), "--sandbox", "--json", str(out_json))
    document = json.loads(out_json.read_text())
    assert document["probe"] is None
    assert document["checks"]["probe"]["status"] == "unavailable"
    assert "probe: unavailable" in result.output


def test_sandbox_and_base_url_exclude_each_other() -> None:
    result = run("audit", str(LEGACY_APP), "--sandbox", "--base-url", "https://api.finance.visma.net/")
    assert result.exit_code == 2


def test_report_renders_saved_audit_in_every_format(audit_document, tmp_path: Path) -> None:
    saved = tmp_path / "audit.json"
    saved.write_text(model.dumps(audit_document))
    page = tmp_path / "r.html"
    assert run("report", str(saved), "--html", str(page)).exit_code == 0
    assert "Migration readiness" in page.read_text()
    assert json.loads(run("report", str(saved), "--format", "json").output)["kind"] == "vni-migrate-audit"
    assert json.loads(run("report", str(saved), "--format", "sarif").output)["version"] == "2.1.0"
    assert run("report", str(saved)).output.startswith("# Migration readiness: legacy-app")
    out = tmp_path / "r.md"
    assert run("report", str(saved), "--format", "markdown", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("# Migration readiness")


def test_report_on_broken_json_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "1",\n"kind": }')
    result = run("report", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:9: invalid JSON" in result.output


def test_report_on_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("report", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "nope.json: cannot read" in result.output


def test_merge_writes_one_row_per_repository(audit_document, tmp_path: Path) -> None:
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    first.write_text(model.dumps(audit_document))
    clean = model.build(project="clean-service", scan=model.scan_document([], [], 4))
    second.write_text(model.dumps(clean))
    fleet = tmp_path / "fleet.html"
    result = run("report", "merge", str(first), str(second), "--html", str(fleet))
    assert result.exit_code == 0, result.output
    page = fleet.read_text()
    assert page.count('<tr data-grade=') == 2
    assert "clean-service" in page and "legacy-app" in page
    assert "GET /v1/generalLedgerTransactions (301 s)" in page  # worst endpoint
    assert "PARTIAL" in page and "not checked" in page  # allowlist status of each


def test_merge_needs_inputs_and_html() -> None:
    assert run("report", "merge", "--html", "x.html").exit_code == 2
