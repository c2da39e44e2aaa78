"""The formats of `vni-migrate report INPUT.json`: a saved audit or scan document as JSON, SARIF or
Markdown (the HTML page is `--html`)."""

from __future__ import annotations

import json
from typing import Any

from migrator.output.registry import RenderOptions, output_format


@output_format("markdown", "audit", "the report as Markdown (for a pull request or a wiki)")
def render_markdown(document: dict[str, Any], options: RenderOptions) -> str:
    from migrator.report import markdown

    return markdown.render(document)


@output_format("json", "audit", "the validated, redacted audit JSON")
def render_json(document: dict[str, Any], options: RenderOptions) -> str:
    from migrator.report import model

    return model.dumps(document)


@output_format("sarif", "audit", "SARIF 2.1.0 for GitHub code scanning")
def render_sarif(document: dict[str, Any], options: RenderOptions) -> str:
    from migrator.report import sarif

    return json.dumps(sarif.render(document), indent=2, ensure_ascii=False) + "\n"
