"""`vni-migrate fix`: apply the safe fixes in place (or show them with --diff, gate CI with --check)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Any

import click

from migrator.background.options import background_options, background_settings
from migrator.cli_options import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    common_options,
    execute,
    make_options,
)
from migrator.output import text
from migrator.output.redaction import redact_text
from migrator.runner import RunResult


def unified_diff(result: RunResult) -> str:
    chunks: list[str] = []
    for path in sorted(result.changes):
        old, new = result.changes[path]
        chunks.extend(
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 "/dev/null" if path in result.created else f"a/{path}", f"b/{path}")
        )
        if chunks and not chunks[-1].endswith(("\n", "\r")):
            chunks.append("\n\\ No newline at end of file\n")
    return "".join(chunks)


@click.command("fix")
@common_options
@background_options
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the fixes; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when any fix is pending (CI gate).")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Also apply fixes that need review (default: `unsafe-fixes` in [tool.vni-migrate], else off).",
)
def command(paths: tuple[Path, ...], show_diff: bool, check: bool, **common: Any) -> None:
    """Rewrite old VNI URLs for API Management, in place.

    Every rewrite is checked before it is written: the result must parse and a second run must
    change nothing. Files that cannot be parsed are reported and left untouched.

    \b
    Examples:
      vni-migrate fix . --diff
      vni-migrate fix . --check        # in CI
      vni-migrate fix . --unsafe-fixes
    """
    write = not (show_diff or check)
    result = execute(list(paths), make_options(list(paths), common, write=write, settings=background_settings(common)))
    if show_diff:
        click.echo(redact_text(unified_diff(result)), nl=False)
    if show_diff:  # the diff is the output; stderr gets the summary line and the files it could not handle
        summary = text.render(result, colour=sys.stderr.isatty(), mode="check", findings=False)
    else:
        summary = text.render(result, colour=sys.stdout.isatty(), mode="fix" if write else "check")
    click.echo(summary, nl=False, err=show_diff)
    if check or show_diff:
        sys.exit(EXIT_FINDINGS if result.changes or result.problems else EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if result.problems else EXIT_CLEAN)
