"""Options shared by `scan` and `fix`, and the run wrapper that turns errors into exit codes.

Values come from `[tool.vni-migrate]` in pyproject.toml (see `migrator/config.py`); a flag given
on the command line replaces that key's value from the file.
"""

from __future__ import annotations

import difflib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from migrator.config import ConfigError, apply_to_options, load_config
from migrator.output.progress import Progress
from migrator.rulefile import RuleFileError
from migrator.runner import RunOptions, RunResult, run

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# common option name -> (config key, flag shown in `vni-migrate config`)
CONFIG_FLAGS = {
    "select": ("select", "--select"),
    "ignore": ("ignore", "--ignore"),
    "rule_dirs": ("rules", "--rules"),
    "exclude": ("exclude", "--exclude"),
    "listener_url": ("listener-url", "--listener-url"),
    "background": ("background", "--background"),
    "unsafe_fixes": ("unsafe-fixes", "--unsafe-fixes"),
}


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def config_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--config FILE and --isolated (also used by `vni-migrate config`)."""
    decorators = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Read [tool.vni-migrate] from this file instead of the nearest pyproject.toml.",
        ),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """PATHS... and every configurable flag (`flag_options`)."""
    function = flag_options(function)
    return click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))(function)


def flag_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The flags that override [tool.vni-migrate] keys, plus --config and --isolated."""
    decorators: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
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
        click.option("--listener-url", metavar="URL", help="The webhook listener URL (for the allowlist check)."),
        click.option(
            "--background", multiple=True, metavar="ENDPOINT", help="An endpoint that needs the background API (repeatable)."
        ),
        config_options,
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def overrides_from_flags(common: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    """The config keys the command line sets: key -> (value, flag)."""
    out: dict[str, tuple[Any, str]] = {}
    for name, (key, flag) in CONFIG_FLAGS.items():
        value = common.get(name)
        if value is None or value == ():
            continue
        if name in ("select", "ignore", "background"):
            value = list(_split(value))
        elif name in ("rule_dirs", "exclude"):
            value = list(value)
        out[key] = (value, flag)
    return out


def fail(message: str) -> None:
    """A usage or configuration error: one line on stderr, exit 2."""
    click.echo(f"vni-migrate: error: {' '.join(message.split())}", err=True)
    sys.exit(EXIT_ERROR)


def check_rule_ids(values: dict[str, Any], sources: dict[str, str], rule_dirs: tuple[Path, ...]) -> None:
    """Every id or prefix in select, ignore and per-file-ignores must match a rule: a typo
    (`VNl001`, `NOPE999`) would otherwise turn the gate off. Exits 2 with one line naming the source."""
    from migrator.codemods import KINDS
    from migrator.rulefile import load_rules

    try:
        known = sorted(r.id for r in load_rules(rule_dirs, KINDS))
    except RuleFileError as exc:
        fail(str(exc))
        return
    checks: list[tuple[str, list[str]]] = [(key, list(values.get(key) or [])) for key in ("select", "ignore")]
    per_file = values.get("per-file-ignores") or {}
    for glob, ids in (per_file.get("globs") or {}).items():
        checks.append((f"per-file-ignores {glob!r}", list(ids)))
    for key, ids in checks:
        for rule_id in ids:
            if not any(r.upper().startswith(rule_id.upper()) for r in known):
                source = sources.get(key.split()[0], "")
                if source.startswith("command line"):
                    where = source.removeprefix("command line (").removesuffix(")")
                else:
                    where = f"{source}: [tool.vni-migrate] {key}"
                close = difflib.get_close_matches(rule_id.upper(), known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                fail(f"{where}: {rule_id!r} matches no rule{hint}; `vni-migrate rules list` shows them")


def make_options(paths: list[Path], common: dict[str, Any], **kw: Any) -> RunOptions:
    """RunOptions from the config file and the common flags; a broken config exits 2 with one line.

    `common`: the values of `common_options` (and `unsafe_fixes`, None when not given); `kw`: other
    RunOptions fields (`write`, `settings`...).
    """
    try:
        values, sources = load_config(
            paths, overrides_from_flags(common), config_file=common.get("config_file"), isolated=bool(common.get("isolated"))
        )
    except ConfigError as exc:
        fail(str(exc))
    options = apply_to_options(values, RunOptions(**kw))
    check_rule_ids(values, sources, options.rule_dirs)
    return options


@dataclass
class OutputChoices:
    """The output conventions shared by scan and fix (as ruff's): quiet/verbose, colour, exit-zero..."""

    quiet: bool = False
    verbose: bool = False
    colour: str = "auto"  # auto | always | never
    exit_zero: bool = False
    statistics: bool = False
    show_explanations: bool = False

    def use_colour(self, stream: Any) -> bool:
        """`--color always|never`, else NO_COLOR (any value) off, FORCE_COLOR on, else a terminal."""
        if self.colour != "auto":
            return self.colour == "always"
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        return bool(getattr(stream, "isatty", lambda: False)())

    def exit(self, code: int) -> None:
        """Exit with `code`; --exit-zero turns 1 (findings) into 0, never 2."""
        sys.exit(EXIT_CLEAN if self.exit_zero and code == EXIT_FINDINGS else code)


def output_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """-q/-v, --color, --exit-zero, --statistics, --show-explanations."""
    decorators = [
        click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary, no progress."),
        click.option("-v", "--verbose", is_flag=True, help="Also print the configuration file and the rules used."),
        click.option(
            "--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
            help="Colour on a terminal (auto); NO_COLOR in the environment turns auto off.",
        ),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain (2 stays for errors)."),
        click.option("--statistics", is_flag=True, help="A count per rule instead of the findings."),
        click.option("--show-explanations", is_flag=True, help="After the findings, each rule's long explanation once."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def pop_output_choices(common: dict[str, Any]) -> OutputChoices:
    """The `output_options` values, removed from `common`."""
    return OutputChoices(
        quiet=bool(common.pop("quiet", False)),
        verbose=bool(common.pop("verbose", False)),
        colour=str(common.pop("colour", "auto") or "auto"),
        exit_zero=bool(common.pop("exit_zero", False)),
        statistics=bool(common.pop("statistics", False)),
        show_explanations=bool(common.pop("show_explanations", False)),
    )


@contextmanager
def stop_cleanly() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt for the run, so a stop unwinds like Ctrl-C.

    Writes are atomic and block both signals while a file is replaced (`sourcefile.write_atomic`),
    so a stop leaves every file either as it was or completely fixed, and no temporary file.
    """
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signum)

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def execute(paths: list[Path], options: RunOptions, quiet: bool = False) -> RunResult:
    """Run the engine with progress on a terminal (after a second); configuration errors exit 2 with one line.

    SIGINT / SIGTERM stop the run: exit 130 / 143, every file is either untouched or fully fixed.
    """
    progress = Progress(enabled=False if quiet else None)
    label = "fixing" if options.write else "scanning"
    try:
        with stop_cleanly(), progress.phase(label):
            return run(paths, options, progress.update)
    except RuleFileError as exc:
        fail(str(exc))
        raise AssertionError from exc  # fail() exits
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
        name = signal.Signals(signum).name
        click.echo(f"\nvni-migrate: stopped by {name}; every file is either unchanged or completely fixed", err=True)
        sys.exit(128 + int(signum))
