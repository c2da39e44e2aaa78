"""Options shared by `scan` and `fix`, and the run wrapper that turns errors into exit codes.

Values come from `[tool.vni-migrate]` in pyproject.toml (see `migrator/config.py`); a flag given
on the command line replaces that key's value from the file.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from migrator.config import ConfigError, apply_to_options, load_config
from migrator.rulefile import RuleFileError
from migrator.runner import RunOptions, RunResult, run

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 200
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
    decorators = [
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


def make_options(paths: list[Path], common: dict[str, Any], **kw: Any) -> RunOptions:
    """RunOptions from the config file and the common flags; a broken config exits 2 with one line.

    `common`: the values of `common_options` (and `unsafe_fixes`, None when not given); `kw`: other
    RunOptions fields (`write`, `settings`...).
    """
    try:
        values, _ = load_config(
            paths, overrides_from_flags(common), config_file=common.get("config_file"), isolated=bool(common.get("isolated"))
        )
    except ConfigError as exc:
        click.echo(f"vni-migrate: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    return apply_to_options(values, RunOptions(**kw))


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


def execute(paths: list[Path], options: RunOptions) -> RunResult:
    """Run the engine with a progress bar on a terminal; configuration errors exit 2 with one line.

    SIGINT / SIGTERM stop the run: exit 130 / 143, every file is either untouched or fully fixed.
    """
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
        with stop_cleanly():
            return run(paths, options, progress)
    except RuleFileError as exc:
        click.echo(f"vni-migrate: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
        name = signal.Signals(signum).name
        click.echo(f"\nvni-migrate: stopped by {name}; every file is either unchanged or completely fixed", err=True)
        sys.exit(128 + int(signum))
