"""`vni-migrate config`: the effective configuration and where each value came from."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from migrator.cli_options import EXIT_ERROR, flag_options, overrides_from_flags
from migrator.config import ConfigError, resolve


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v)) for v in value) + "]"
    return json.dumps(value)


@click.command("config")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@flag_options
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="As for `fix`.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(paths: tuple[Path, ...], fmt: str, **common: Any) -> None:
    """Print the effective [tool.vni-migrate] configuration for PATHS (default: the current folder).

    Each key shows its value and its source: the pyproject.toml line, the command-line flag, or
    "default". A broken configuration exits 2 with one line naming the file and line.

    \b
    Examples:
      vni-migrate config
      vni-migrate config src --ignore VNI004 --format json
    """
    targets = list(paths) or [Path(".")]
    try:
        config = resolve(
            targets, overrides_from_flags(common), config_file=common.get("config_file"), isolated=bool(common.get("isolated"))
        )
    except ConfigError as exc:
        click.echo(f"vni-migrate: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if fmt == "json":
        click.echo(json.dumps(config.to_json(), indent=2))
        return
    click.echo(f"# configuration file: {config.file if config.file else 'none found'}")
    width = max(len(key) for key in config.values)
    for key, value in config.values.items():
        click.echo(f"{key:<{width}} = {_show(value):<40} # {config.sources[key]}")
