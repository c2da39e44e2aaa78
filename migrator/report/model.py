"""The audit document: build it from the parts, validate it, load it back from a file.

The document is plain JSON-shaped data (see `migrator/schemas/audit.schema.json`); every
renderer (HTML, Markdown, JSON, SARIF, the fleet page) reads it, so a saved audit renders the
same as a fresh one. Secrets are redacted when the document is built and again when loaded.
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from migrator import __version__
from migrator.redact import redact_obj
from migrator.report import score as score_module
from migrator.report.manual_steps import manual_steps

KIND = "vni-migrate-audit"
VERSION = "1"


class ReportInputError(Exception):
    """An input file that cannot be read as scan or audit results; the message names the file."""


@lru_cache(maxsize=1)
def audit_schema() -> dict[str, Any]:
    """The published audit JSON schema (shipped as package data)."""
    text = resources.files("migrator").joinpath("schemas", "audit.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validation_errors(document: dict[str, Any]) -> list[str]:
    """Schema errors of an audit document, as 'json/path: message'; empty when valid."""
    validator = jsonschema.Draft202012Validator(audit_schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors]


def summarize(findings: list[dict[str, Any]], files_scanned: int = 0) -> dict[str, Any]:
    """The scan JSON `summary` block, for scan documents built here (tests, stubs)."""
    open_findings = [f for f in findings if not f.get("suppressed")]
    by_sev = {"error": 0, "warning": 0, "info": 0}
    by_fix = {"safe": 0, "review": 0, "manual": 0}
    by_rule: dict[str, int] = {}
    for f in open_findings:
        by_sev[f["severity"]] = by_sev.get(f["severity"], 0) + 1
        by_fix[f["fix"]] = by_fix.get(f["fix"], 0) + 1
        by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
    return {
        "files_scanned": files_scanned,
        "findings": by_sev,
        "by_rule": dict(sorted(by_rule.items())),
        "by_fix": by_fix,
        "suppressed": len(findings) - len(open_findings),
        "fixes_pending": sum(1 for f in open_findings if f.get("fixable")),
    }


def scan_document(findings: list[dict[str, Any]], problems: list[dict[str, Any]], files_scanned: int) -> dict[str, Any]:
    """A scan JSON document (version 1) from finding and problem dicts."""
    return {
        "version": "1",
        "tool": {"name": "vni-migrate", "version": __version__},
        "findings": findings,
        "problems": problems,
        "summary": summarize(findings, files_scanned),
    }


def build(
    *,
    project: str,
    scan: dict[str, Any],
    diffs: dict[str, str] | None = None,
    context: dict[str, dict[str, Any]] | None = None,
    allowlist: dict[str, Any] | None = None,
    probe: dict[str, Any] | None = None,
    checks: dict[str, dict[str, str]] | None = None,
    listener_url: str | None = None,
    root: str | None = None,
    generated: str | None = None,
) -> dict[str, Any]:
    """Assemble, score and redact an audit document."""
    score = score_module.compute(scan.get("findings", []), allowlist, probe, scan.get("problems", []), checks)
    document: dict[str, Any] = {
        "version": VERSION,
        "kind": KIND,
        "generated": generated or _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "project": project,
        "scan": scan,
        "diffs": diffs or {},
        "context": context or {},
        "allowlist": allowlist,
        "probe": probe,
        "checks": checks or {},
        "score": score.to_json(),
        "manual_steps": [],
    }
    if root is not None:
        document["root"] = root
    document["manual_steps"] = manual_steps(document, listener_url=listener_url)
    return redact_obj(document)  # type: ignore[no-any-return]


def from_scan(scan: dict[str, Any], project: str) -> dict[str, Any]:
    """Wrap a plain scan JSON document (no diffs, allowlist or probe) as an audit document."""
    checks = {
        "allowlist": {"status": "skipped", "detail": "rendered from scan results only"},
        "probe": {"status": "skipped", "detail": "rendered from scan results only"},
    }
    return build(project=project, scan=scan, checks=checks)


def load(path: Path) -> dict[str, Any]:
    """Read an audit (or plain scan) JSON file; raise ReportInputError naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportInputError(f"{path}: cannot read: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportInputError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise ReportInputError(f"{path}: not vni-migrate results (expected a JSON object)")
    if data.get("kind") != KIND:
        if data.get("version") == "1" and isinstance(data.get("findings"), list) and "summary" in data:
            wrapped = from_scan(data, project=path.stem)
            errors = validation_errors(wrapped)
            if errors:
                raise ReportInputError(f"{path}: invalid scan results: {errors[0]}")
            return wrapped
        raise ReportInputError(f"{path}: not vni-migrate audit or scan results (no kind {KIND!r})")
    errors = validation_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ReportInputError(f"{path}: invalid audit results: {errors[0]}{more}")
    return redact_obj(data)  # type: ignore[no-any-return]


def dumps(document: dict[str, Any]) -> str:
    """The audit document as JSON text (stable key order, redacted)."""
    return json.dumps(redact_obj(document), indent=2, ensure_ascii=False) + "\n"
