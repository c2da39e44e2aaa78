"""`vni-migrate config`: the effective configuration and where each value came from."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from migrator.cli_options import EXIT_ERROR, flag_options, overrides_from_flags
from migrator.config import ConfigError, resolve
from migrator.output import registry


@click.command("config")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@flag_options
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None, help="As for `fix`.")
@click.option("--format", "fmt", type=click.Choice(registry.choices("config")), default="text", show_default=True)
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
    click.echo(registry.render("config", fmt, config), nl=False)
