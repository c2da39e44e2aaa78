"""The `--timings` and `--background-mode` options of `scan` and `fix`, and the run settings they set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from migrator.background.timings import load_timings


def _parse_timings(ctx: click.Context, param: click.Parameter, value: Path | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        return load_timings(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def background_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --timings FILE (the probe's JSON: which endpoints are long) and --background-mode."""
    function = click.option(
        "--background-mode",
        type=click.Choice(["none", "subscription"]),
        default=None,
        help="VNI020: poll long calls through a helper (none, the default) or only report the webhook work (subscription).",
    )(function)
    return click.option(
        "--timings",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        callback=_parse_timings,
        metavar="PROBE.json",
        help="VNI020: endpoint verdicts from `vni-migrate probe --json`; EXCEEDS/APPROACHING endpoints are long calls.",
    )(function)


def background_settings(common: dict[str, Any]) -> dict[str, Any]:
    """`settings` entries for RunOptions from the parsed options (popped from `common`)."""
    settings: dict[str, Any] = {}
    timings = common.pop("timings", None)
    mode = common.pop("background_mode", None)
    if timings is not None:
        settings["timings"] = timings
    if mode:
        settings["background_mode"] = mode
    return settings
