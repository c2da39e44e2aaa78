"""`vni-migrate scan`: list what must change (exit 0 clean, 1 findings, 2 errors)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from migrator import baseline
from migrator.background.options import background_options, background_settings
from migrator.changed_lines import ChangedLinesError, changed_lines
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
from migrator.output.paths import repository_root
from migrator.output.redaction import write_output

_fail = fail


@click.command("scan")
@common_options
@background_options
@output_options
@click.option(
    "--format", "--output-format", "fmt", type=click.Choice(registry.choices("findings")), default="text", show_default=True,
    help="Output format: " + registry.formats_help("findings") + ".",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Write the report to FILE.")
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings too (text format).")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings that are not in this baseline file (the ratchet).",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record the current findings in FILE and exit 0.",
)
@click.option("--only-changed", metavar="REV", help="Report only findings on lines changed since the git revision REV.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Also print the unified diff `vni-migrate fix` would apply (after the report; with --output, alone).")
def command(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    show_suppressed: bool,
    baseline_file: Path | None,
    write_baseline: Path | None,
    only_changed: str | None,
    show_diff: bool,
    **common: Any,
) -> None:
    """List every place that still talks to the old VNI gateway.

    \b
    Examples:
      vni-migrate scan .
      vni-migrate scan src --format sarif -o vni.sarif
      vni-migrate scan . --write-baseline .vni-baseline.json   # accept today's findings
      vni-migrate scan . --baseline .vni-baseline.json         # fail only on new ones
      vni-migrate scan . --only-changed origin/main            # only lines changed since main
    """
    choices = pop_output_choices(common)
    if baseline_file is not None and write_baseline is not None:
        raise click.UsageError("--baseline and --write-baseline exclude each other")
    if baseline_file is not None and not baseline_file.is_file():
        _fail(f"{baseline_file}: baseline file does not exist (create it with --write-baseline)")
    changed = None
    if only_changed is not None:
        try:
            changed = changed_lines(only_changed, paths[0])
        except ChangedLinesError as exc:
            _fail(str(exc))
    # Fixes are checked by a second analysis only where they are shown (--diff); the findings are the same.
    options = make_options(list(paths), common, settings=background_settings(common), verify=show_diff)
    result = execute(list(paths), options, quiet=choices.quiet)
    notes: list[str] = []
    if changed is not None:
        before = len(result.findings)
        result.findings = [f for f in result.findings if changed.touches(f)]
        notes.append(f"--only-changed {only_changed}: {before - len(result.findings)} findings on unchanged lines not shown")
    if write_baseline is not None:
        try:
            accepted = baseline.write(write_baseline, result.findings)
        except baseline.BaselineError as exc:
            _fail(str(exc))
        click.echo(f"vni-migrate: wrote {write_baseline}: {accepted} findings accepted", err=True)
        sys.exit(EXIT_CLEAN)
    if baseline_file is not None:
        try:
            result.findings, known = baseline.new_findings(result.findings, baseline_file)
        except baseline.BaselineError as exc:
            _fail(str(exc))
        notes.append(f"baseline {baseline_file}: {known} known findings not shown")
    render_options = registry.RenderOptions(
        colour=output is None and choices.use_colour(sys.stdout),
        show_suppressed=show_suppressed,
        statistics=choices.statistics,
        show_explanations=choices.show_explanations,
        quiet=choices.quiet,
        verbose=choices.verbose,
        root=repository_root(list(paths)) if fmt != "text" else None,
    )
    rendered = registry.pieces("findings", fmt, result, render_options)
    if output:
        try:
            write_output(output, "".join(rendered))  # redacted, atomic
        except OSError as exc:
            fail(f"{output}: cannot write: {exc.strerror or exc}")
    else:
        for piece in rendered:  # a long report is printed as it is made
            click.echo(piece, nl=False, color=render_options.colour or None)  # click strips colour off a terminal
    if show_diff:
        for piece in diff_pieces(result):  # one file's diff at a time
            click.echo(piece, nl=False)
    if not choices.quiet:
        for note in notes:
            click.echo(f"vni-migrate: {note}", err=True)
    active = [f for f in result.findings if not f.suppressed]
    choices.exit(EXIT_FINDINGS if active or result.problems else EXIT_CLEAN)
