"""`vni-migrate fix`: apply the safe fixes in place (or show them with --diff, gate CI with --check).

Exit codes as `ruff check --fix`: 0 when nothing is left to do, 1 while findings remain (or
files could not be processed), 2 for usage and configuration errors; `--exit-zero` turns 1 into 0.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from migrator import baseline
from migrator.background.options import background_options, background_settings
from migrator.cli_options import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    common_options,
    execute,
    fail,
    make_options,
    output_options,
    pop_output_choices,
)
from migrator.output import registry
from migrator.output.diff import diff_pieces


@click.command("fix")
@common_options
@background_options
@output_options
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the fixes; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when any fix is pending (CI gate).")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Also apply fixes that need review (default: `unsafe-fixes` in [tool.vni-migrate], else off).",
)
@click.option("--fix-suppressions", is_flag=True, help="Also remove suppression comments that suppress nothing (VNI900).")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Leave the findings this baseline file accepts alone: fix and report only new ones.",
)
def command(
    paths: tuple[Path, ...], show_diff: bool, check: bool, fix_suppressions: bool, baseline_file: Path | None, **common: Any
) -> None:
    """Rewrite old VNI URLs for API Management, in place.

    Every rewrite is checked before it is written: the result must parse and a second run must
    change nothing. Files that cannot be parsed are reported and left untouched. Exits 1 while
    findings remain (manual ones, review fixes without --unsafe-fixes), as `ruff check --fix` does.

    \b
    Examples:
      vni-migrate fix . --diff
      vni-migrate fix . --check        # in CI
      vni-migrate fix . --unsafe-fixes
      vni-migrate fix . --baseline .vni-baseline.json   # only what is new since the baseline
    """
    choices = pop_output_choices(common)
    write = not (show_diff or check)
    settings = background_settings(common)
    if fix_suppressions:
        settings["fix_suppressions"] = True
    if baseline_file is not None:
        if not baseline_file.is_file():
            fail(f"{baseline_file}: baseline file does not exist (create it with `vni-migrate scan --write-baseline`)")
        try:
            settings["baseline"] = baseline.settings_entry(baseline_file)
        except baseline.BaselineError as exc:
            fail(str(exc))
    result = execute(list(paths), make_options(list(paths), common, write=write, settings=settings), quiet=choices.quiet)
    if baseline_file is not None:  # known findings are left out of every output, as for scan
        known = [f for f in result.findings if f.extra.get("baseline")]
        result.findings = [f for f in result.findings if not f.extra.get("baseline")]
        if known and not choices.quiet:
            click.echo(f"vni-migrate: baseline {baseline_file}: {len(known)} known findings left alone", err=True)
    if show_diff:
        for piece in diff_pieces(result):  # one file's diff at a time
            click.echo(piece, nl=False)
    stream = sys.stderr if show_diff else sys.stdout
    options = registry.RenderOptions(
        colour=choices.use_colour(stream),
        mode="fix" if write else "dry-run",
        findings=not show_diff,  # the diff is the output; stderr gets the summary and the problems
        statistics=choices.statistics,
        show_explanations=choices.show_explanations,
        quiet=choices.quiet,
        verbose=choices.verbose,
    )
    for piece in registry.pieces("findings", "text", result, options):  # a long report is printed as it is made
        click.echo(piece, nl=False, err=show_diff, color=options.colour or None)
    if check or show_diff:
        choices.exit(EXIT_FINDINGS if result.changed or result.problems else EXIT_CLEAN)
    remaining = [f for f in result.findings if not f.suppressed and not f.extra.get("fixed")]
    choices.exit(EXIT_FINDINGS if remaining or result.problems else EXIT_CLEAN)
