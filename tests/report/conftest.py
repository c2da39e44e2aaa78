"""Shared fixtures: the fixture project, an audit of it, and a stand-in engine if the real one is not built."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from migrator.findings import Edit, FileProblem, Finding, FixSafety, Severity
from migrator.report import collect, model

FIXTURES = Path(__file__).parent / "fixtures"
LEGACY_APP = FIXTURES / "legacy_app"
PLANTED_TOKEN = "vni-tok-8f3a9c2e71d94b5f"
PLANTED_SECRET = "cs-Zq81xLw0PpR7mN2vK5tY"
REPO = Path(__file__).resolve().parents[2]

# (pattern, rule, severity, fix, message, replacement or None)
_STUB_RULES = [
    (r"https://integration\.visma\.net/API/controller/api/", "VNI001", Severity.ERROR, FixSafety.SAFE,
     "Old VNI base URL: use https://api.finance.visma.net/", "https://api.finance.visma.net/"),
    (r"https://integration\.visma\.net/API/resources/v1/subscription", "VNI010", Severity.ERROR, FixSafety.MANUAL,
     "Webhook subscriptions moved to the Developer Portal", None),
    (r"https://integration\.visma\.net/API/security/api/v2/token", "VNI020", Severity.ERROR, FixSafety.REVIEW,
     "VNI OAuth token endpoint: use Visma Connect https://connect.visma.com/connect/token",
     "https://connect.visma.com/connect/token"),
    (r"ipp-company-id", "VNI030", Severity.WARNING, FixSafety.MANUAL, "ipp-company-id is not used by API Management",
     None),
]


def stub_run(paths: list[Path], options: Any) -> Any:
    """A regex stand-in for `migrator.runner.run`, used only while the real engine is not built.

    Its messages quote the whole source line on purpose: an engine that leaks code into messages
    must still not leak secrets into the report.
    """
    from migrator.runner import RunResult

    result = RunResult()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            result.files_scanned += 1
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                result.problems.append(FileProblem(str(path), "not UTF-8"))
                continue
            edits: list[Edit] = []
            for pattern, rule, severity, fix, message, replacement in _STUB_RULES:
                for match in re.finditer(pattern, text):
                    line = text.count("\n", 0, match.start()) + 1
                    col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                    source_line = text.splitlines()[line - 1].strip()
                    edit = (Edit(match.start(), match.end(), replacement),) if replacement else ()
                    edits.extend(edit)
                    result.findings.append(Finding(
                        rule=rule, severity=severity, fix=fix, path=str(path), line=line, column=col,
                        end_line=line, end_column=col + len(match.group(0)),
                        message=f"{message} (in: {source_line})", edits=edit, replacement=replacement,
                        snippet=match.group(0)))
            if edits:
                new = text
                for edit in sorted(edits, key=lambda e: e.start, reverse=True):
                    new = new[:edit.start] + edit.replacement + new[edit.end:]
                result.changes[str(path)] = (text, new)
                result.changed.add(str(path))
    return result


def _real_engine_ready(tmp_path: Path) -> bool:
    from migrator.runner import RunOptions, run

    try:
        run([tmp_path], RunOptions())
    except NotImplementedError:
        return False
    return True


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real engine when it is built, else the stand-in; returns which one ran."""
    if _real_engine_ready(tmp_path_factory.mktemp("empty")):
        return "real"
    import migrator.runner

    monkeypatch.setattr(migrator.runner, "run", stub_run)
    return "stub"


SAMPLE_PROBE: dict[str, Any] = {
    "base_url": "http://127.0.0.1:8765/",
    "endpoints": [
        {"endpoint": "GET /v1/customer", "samples": 6, "p50": 1.8, "p95": 3.1, "max": 3.4,
         "predicted_call_seconds": 3.6, "predicted_sweep_seconds": 41.0, "verdict": "OK",
         "background_roundtrip": None},
        {"endpoint": "GET /v1/journaltransaction", "samples": 6, "p50": 96.0, "p95": 181.0, "max": 205.0,
         "predicted_call_seconds": 212.0, "predicted_sweep_seconds": 1365.0, "verdict": "NEAR_LIMIT",
         "background_roundtrip": 4.2},
        {"endpoint": "GET /v1/generalLedgerTransactions", "samples": 4, "p50": 150.0, "p95": 262.0, "max": 275.0,
         "predicted_call_seconds": 301.0, "predicted_sweep_seconds": 3010.0, "verdict": "USE_BACKGROUND",
         "background_roundtrip": 6.0},
    ],
}


@pytest.fixture
def audit_document(engine: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A full audit of the fixture project, with a sample probe result (the probe is stubbed)."""
    monkeypatch.setattr(collect, "probe", lambda *args: (SAMPLE_PROBE, {"status": "ran", "detail": "sample data"}))
    document = collect.collect(LEGACY_APP, project="legacy-app", probe_target=collect.ProbeTarget(sandbox=True))
    assert not model.validation_errors(document)
    return document
