"""The formats of `vni-migrate allowlist`: the layer table as text, or JSON."""

from __future__ import annotations

from typing import Any

from migrator.output.registry import RenderOptions, output_format


@output_format("text", "allowlist", "one line per layer and its verdict")
def render_text(result: Any, options: RenderOptions) -> str:
    from migrator.allowlist.report import render_text as text

    return text(result)


@output_format("json", "allowlist", '{"layers": [{"path", "line", "format", "scope", "verdict", "missing", "detail"}]}')
def render_json(result: Any, options: RenderOptions) -> str:
    from migrator.allowlist.report import render_json as as_json

    return as_json(result)
