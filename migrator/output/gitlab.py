"""GitLab code quality report (a JSON array of issues; `artifacts: reports: codequality:`)."""

from __future__ import annotations

import hashlib
import json

from migrator.output.fingerprints import unique_fingerprints
from migrator.output.paths import relative_uri
from migrator.output.redaction import redact_data
from migrator.output.registry import RenderOptions, output_format
from migrator.output.text import sort_key, split_message
from migrator.runner import RunResult

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


@output_format("gitlab", "findings", "GitLab code quality JSON (artifacts:reports:codequality)")
def render_gitlab(result: RunResult, options: RenderOptions) -> str:
    findings = sorted((f for f in result.findings if not f.suppressed), key=sort_key)
    data = [f.to_json() for f in findings]
    issues = []
    for finding, item, fingerprint in zip(findings, data, unique_fingerprints(data), strict=True):
        issues.append({
            "type": "issue",
            "check_name": finding.rule,
            "description": f"{finding.rule} {split_message(finding.message)[0]}",
            "content": {"body": finding.message},
            "categories": ["Compatibility"],
            "severity": SEVERITIES[finding.severity.value],
            # GitLab wants a unique fingerprint per issue; an MD5-sized hex string, as other tools emit
            "fingerprint": hashlib.md5(fingerprint.encode(), usedforsecurity=False).hexdigest(),
            "location": {
                "path": relative_uri(item["path"], options.root),
                "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)},
            },
        })
    return json.dumps(redact_data(issues), indent=2, ensure_ascii=False) + "\n"
