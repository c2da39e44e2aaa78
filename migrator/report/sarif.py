"""SARIF 2.1.0 from a saved audit or scan document (finding dicts, not live `Finding`s).

`vni-migrate report saved.json --format sarif` works on files written earlier, where the
edits are gone but the fingerprints are kept; the fingerprint goes into
`partialFingerprints` so code-scanning services track a finding across runs.
"""

from __future__ import annotations

from typing import Any

from migrator.redact import redact_obj

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _result(finding: dict[str, Any]) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": finding["line"],
        "startColumn": finding["column"],
        "endLine": max(finding["end_line"], finding["line"]),
        "endColumn": finding["end_column"],
    }
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    result: dict[str, Any] = {
        "ruleId": finding["rule"],
        "level": LEVELS.get(finding["severity"], "warning"),
        "message": {"text": finding["message"]},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding["path"].replace("\\", "/")},
            "region": region,
        }}],
        "partialFingerprints": {"vniMigrate/v1": finding["fingerprint"]},
        "properties": {"fix": finding["fix"], "fixable": finding["fixable"]},
    }
    if finding.get("suppressed"):
        result["suppressions"] = [{"kind": "inSource"}]
    return result


def render(document: dict[str, Any]) -> dict[str, Any]:
    """A SARIF log (as a dict) with one run for the document's findings."""
    scan = document["scan"]
    findings = scan.get("findings", [])
    rules = sorted({f["rule"] for f in findings})
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "vni-migrate",
                "version": str(scan.get("tool", {}).get("version", "")),
                "informationUri": "https://api.finance.visma.net/",
                "rules": [{"id": rule, "shortDescription": {"text": rule}} for rule in rules],
            }},
            "results": [_result(f) for f in findings],
        }],
    }
    return redact_obj(log)  # type: ignore[no-any-return]
