"""JSON output, version "1" (schema: migrator/schemas/findings.schema.json, documented in the README)."""

from __future__ import annotations

import json
from typing import Any

import migrator
from migrator.output.redaction import redact_data
from migrator.output.registry import RenderOptions, output_format
from migrator.output.summary import summary
from migrator.output.text import sort_key
from migrator.runner import RunResult

VERSION = "1"


def to_data(result: RunResult) -> dict[str, Any]:
    data = {
        "version": VERSION,
        "tool": {"name": "vni-migrate", "version": migrator.__version__},
        "findings": [f.to_json() for f in sorted(result.findings, key=sort_key)],
        "problems": [p.to_json() for p in result.problems],
        "summary": summary(result),
    }
    return redact_data(data)


@output_format("json", "findings", 'versioned JSON (schema: migrator/schemas/findings.schema.json)')
def render_json(result: RunResult, options: RenderOptions) -> str:
    return json.dumps(to_data(result), indent=2, ensure_ascii=False) + "\n"


def render(result: RunResult) -> str:
    return render_json(result, RenderOptions())
