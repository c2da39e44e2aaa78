"""Options shared by `scan` and `fix`, and the run wrapper that turns errors into exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from migrator.rulefile import RuleFileError
from migrator.runner import RunOptions, RunResult, run

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 200


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    decorators = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)),
        click.option("--select", multiple=True, metavar="IDS", help="Only these rule ids or prefixes (comma separated, e.g. VNI00)."),
        click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rule ids or prefixes."),
        click.option(
            "--rules",
            "rule_dirs",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Extra folder of rule files (repeatable).",
        ),
        click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable)."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def make_options(select: tuple[str, ...], ignore: tuple[str, ...], rule_dirs: tuple[Path, ...], exclude: tuple[str, ...], **kw: Any) -> RunOptions:
    return RunOptions(select=_split(select), ignore=_split(ignore), rule_dirs=tuple(rule_dirs), exclude=tuple(exclude), **kw)


def execute(paths: list[Path], options: RunOptions) -> RunResult:
    """Run the engine with a progress bar on a terminal; configuration errors exit 2 with one line."""
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="vni-migrate", file=sys.stderr)
            bar.__enter__()
        bar.update(1)
        if done == total:
            bar.__exit__(None, None, None)

    try:
        return run(paths, options, progress)
    except RuleFileError as exc:
        click.echo(f"vni-migrate: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
