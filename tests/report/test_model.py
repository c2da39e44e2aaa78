"""Audit JSON: built documents validate against the published schema; bad input fails naming the file."""

import json
from pathlib import Path
from typing import Any

import pytest

from migrator.report import model


def scan_json() -> dict[str, Any]:
    finding = {"rule": "VNI001", "severity": "error", "fix": "safe", "path": "app.py", "line": 3, "column": 5,
               "end_line": 3, "end_column": 40, "message": "old base URL", "suppressed": False, "fixable": True,
               "replacement": "https://api.finance.visma.net/", "fingerprint": "0" * 32}
    return model.scan_document([finding], [], files_scanned=1)


def test_audit_document_validates_against_published_schema(audit_document: dict[str, Any]) -> None:
    assert model.validation_errors(audit_document) == []
    assert audit_document["kind"] == "vni-migrate-audit"
    assert set(audit_document["checks"]) == {"scan", "allowlist", "probe"}


def test_missing_parts_are_null_and_say_why() -> None:
    document = model.build(project="p", scan=scan_json(),
                           checks={"probe": {"status": "unavailable", "detail": "timing probe not installed"}})
    assert document["allowlist"] is None and document["probe"] is None
    assert model.validation_errors(document) == []


def test_saved_audit_round_trips(tmp_path: Path) -> None:
    document = model.build(project="p", scan=scan_json())
    path = tmp_path / "audit.json"
    path.write_text(model.dumps(document))
    assert model.load(path) == document


def test_plain_scan_json_is_accepted_as_input(tmp_path: Path) -> None:
    path = tmp_path / "scan.json"
    path.write_text(json.dumps(scan_json()))
    document = model.load(path)
    assert document["kind"] == "vni-migrate-audit" and document["project"] == "scan"
    assert document["checks"]["allowlist"]["status"] == "skipped"


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "version": "1",\n  oops\n}')
    with pytest.raises(model.ReportInputError, match=r"broken\.json:3:3: invalid JSON"):
        model.load(path)


def test_schema_violation_names_file_and_field(tmp_path: Path) -> None:
    document = model.build(project="p", scan=scan_json())
    document["score"]["value"] = 140
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(model.ReportInputError, match=r"bad\.json: invalid audit results: score/value"):
        model.load(path)


def test_other_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text("[1, 2]")
    with pytest.raises(model.ReportInputError, match="other.json: not vni-migrate results"):
        model.load(path)
