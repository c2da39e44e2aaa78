"""`vni-migrate scan`: list what must change (exit 0 clean, 1 findings, 2 errors)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrator.cli_options import EXIT_CLEAN, EXIT_FINDINGS, common_options, execute, make_options
from migrator.output import json_format, sarif, text


@click.command("scan")
@common_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the report to FILE.")
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings too (text format).")
def command(paths: tuple[Path, ...], select, ignore, rule_dirs, exclude, fmt: str, output: Path | None, show_suppressed: bool) -> None:  # type: ignore[no-untyped-def]
    """List every place that still talks to the old VNI gateway.

    \b
    Examples:
      vni-migrate scan .
      vni-migrate scan src --format sarif -o vni.sarif
    """
    result = execute(list(paths), make_options(select, ignore, rule_dirs, exclude))
    if fmt == "json":
        rendered = json_format.render(result)
    elif fmt == "sarif":
        rendered = sarif.render(result)
    else:
        colour = output is None and sys.stdout.isatty()
        rendered = text.render(result, colour=colour, show_suppressed=show_suppressed)
    if output:
        output.write_text(rendered, encoding="utf-8")
    else:
        click.echo(rendered, nl=False)
    active = [f for f in result.findings if not f.suppressed]
    sys.exit(EXIT_FINDINGS if active or result.problems else EXIT_CLEAN)
