"""The formats of `vni-migrate config`: the effective configuration with each value's source."""

from __future__ import annotations

import json
from typing import Any

from migrator.output.registry import RenderOptions, output_format


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v)) for v in value) + "]"
    return json.dumps(value)


@output_format("text", "config", "`key = value  # source` lines")
def render_text(config: Any, options: RenderOptions) -> str:
    lines = [f"# configuration file: {config.file if config.file else 'none found'}"]
    width = max(len(key) for key in config.values)
    for key, value in config.values.items():
        lines.append(f"{key:<{width}} = {_show(value):<40} # {config.sources[key]}")
    return "\n".join(lines) + "\n"


@output_format("json", "config", '{"file", "values", "sources"}')
def render_json(config: Any, options: RenderOptions) -> str:
    return json.dumps(config.to_json(), indent=2) + "\n"
