"""SARIF 2.1.0 output, shaped for GitHub code scanning.

`tool.driver.rules` carries id, name, short and full description (the whole rationale) and help
for every enabled rule. Artifact URIs are relative to the repository root (git's top level, else
the scanned root) under `%SRCROOT%`, declared in `originalUriBaseIds`, whatever the working folder.
Each result's `partialFingerprints` comes from the rule, the path and the code of the span (not the
line number), so it stays stable when lines move, plus the occurrence number of that code in the
file, so two results never share one (GitHub would merge them into one alert).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import migrator
from migrator.output.fingerprints import unique_fingerprints
from migrator.output.paths import relative_uri
from migrator.output.redaction import redact_data
from migrator.output.registry import RenderOptions, output_format
from migrator.rulefile import Rule
from migrator.runner import RunResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _full_text(text: str) -> str:
    """A rationale as one paragraph per blank-line-separated block (YAML folds lines)."""
    blocks = [" ".join(block.split()) for block in text.strip().split("\n\n")]
    return "\n\n".join(b for b in blocks if b)


def _rule(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.rationale}\n\nFix: {rule.fix.value}." + (f" See {rule.link}" if rule.link else "")
    data: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": _full_text(rule.rationale) if rule.rationale else rule.title},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": ["vni-migration", f"fix-{rule.fix.value}"], "precision": "high"},
    }
    if rule.link:
        data["helpUri"] = rule.link
    return data


def _result(finding: dict[str, Any], index: dict[str, int], root: Path | None, fingerprint: str) -> dict[str, Any]:
    """One SARIF result from a finding in its JSON form (`Finding.to_json()`, or a saved report)."""
    line, column = finding["line"], finding["column"]
    end_line = max(finding["end_line"], line)
    end_column = finding["end_column"] if end_line > line else max(finding["end_column"], column)
    result: dict[str, Any] = {
        "ruleId": finding["rule"],
        "level": LEVELS.get(finding["severity"], "warning"),
        "message": {"text": finding["message"]},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": relative_uri(finding["path"], root), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
                }
            }
        ],
        "partialFingerprints": {"vniMigrate/v1": fingerprint},
        "properties": {"fix": finding["fix"], "fixable": finding.get("fixable", False)},
    }
    if finding["rule"] in index:
        result["ruleIndex"] = index[finding["rule"]]
    if finding.get("suppressed"):
        result["suppressions"] = [{"kind": "inSource"}]
    return result


def sarif_log(
    findings: list[dict[str, Any]],
    rules: list[Rule],
    notifications: list[str],
    version: str = migrator.__version__,
    root: Path | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log for findings in their JSON form; `rules` describe them (unknown ids get a stub).

    `root`: the folder artifact URIs are relative to (`%SRCROOT%`); paths in saved reports are
    already relative to their scanned root when it is None."""
    known = sorted(rules, key=lambda r: r.id)
    extra_ids = sorted({f["rule"] for f in findings} - {r.id for r in known})
    descriptors = [_rule(r) for r in known] + [
        {"id": rid, "shortDescription": {"text": rid}, "fullDescription": {"text": rid}, "help": {"text": rid}} for rid in extra_ids
    ]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    data = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vni-migrate",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": "https://github.com/vni-migrate/vni-migrate",
                        "rules": descriptors,
                    }
                },
                "results": [_result(f, index, root, fp) for f, fp in zip(findings, unique_fingerprints(findings), strict=True)],
                **({"originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}}} if root is not None else {}),
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [{"level": "error", "message": {"text": text}} for text in notifications],
                    }
                ],
            }
        ],
    }
    return redact_data(data)


def to_data(result: RunResult, root: Path | None = None) -> dict[str, Any]:
    data = sarif_log([f.to_json() for f in result.findings], result.rules, [str(p) for p in result.problems], root=root)
    # what `vni-migrate fix` would do for the findings reported here (a CI gate reads it: one scan)
    pending = [f for f in result.findings if not f.suppressed and f.extra.get("fixed")]
    data["runs"][0]["properties"] = {"fixesPending": len(pending), "filesChanged": len(result.changed)}
    return data


@output_format("sarif", "findings", "SARIF 2.1.0 for GitHub code scanning")
def render_sarif(result: RunResult, options: RenderOptions) -> str:
    return json.dumps(to_data(result, options.root), indent=2, ensure_ascii=False) + "\n"


def render(result: RunResult, root: Path | None = None) -> str:
    return render_sarif(result, RenderOptions(root=root))
