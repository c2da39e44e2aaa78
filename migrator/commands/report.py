"""`vni-migrate report`: render saved results; `vni-migrate report merge`: one page for many repos."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import Any

import click

from migrator.output import registry
from migrator.output.redaction import write_output
from migrator.report import html, merge, model


class _DefaultToRender(click.Group):
    """A group whose first argument is a sub-command name or, failing that, an input file.

    `vni-migrate report saved.json` runs `render`; `vni-migrate report merge a.json b.json` runs
    `merge`. (A file literally named `merge` can be given as `./merge`.)
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["render", *args]
        return super().parse_args(ctx, args)


def _load(path: Path) -> dict[str, Any]:
    try:
        return model.load(path)
    except model.ReportInputError as exc:
        click.echo(f"vni-migrate: {exc}", err=True)
        sys.exit(2)


def _write(path: Path | None, text: str) -> None:
    if path is None:
        click.echo(text, nl=False)
        return
    try:
        write_output(path, text)  # redacted, atomic
    except OSError as exc:
        click.echo(f"vni-migrate: {path}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"wrote {path}", err=True)


@click.group("report", cls=_DefaultToRender, context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """Render saved results: `vni-migrate report INPUT.json [--html FILE | --format json|sarif|markdown]`.

    INPUT.json is an audit (`vni-migrate audit --json`) or scan JSON file. `vni-migrate report
    merge A.json B.json ... --html fleet.html` writes one page across many repositories.
    """


@command.command("render")
@click.argument("input_path", metavar="INPUT.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML report here.")
@click.option("--format", "fmt", type=click.Choice(registry.choices("audit")), default=None,
              help="Print (or write with --output) this format instead of HTML.  [default: markdown]")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), help="File for --format.")
def render_command(input_path: Path, html_path: Path | None, fmt: str | None, output: Path | None) -> None:
    """Render one saved audit or scan result."""
    if html_path and fmt:
        raise click.UsageError("give either --html or --format")
    document = _load(input_path)
    if html_path:
        _write(html_path, html.render_audit(document))
        return
    _write(output, registry.render("audit", fmt or "markdown", document))


@command.command("merge")
@click.argument("inputs", metavar="A.json B.json ...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--html", "html_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Write the fleet page here.")
def merge_command(inputs: tuple[Path, ...], html_path: Path) -> None:
    """One page across many repositories: score, counts, worst endpoint, allowlist status each."""
    documents = [(str(path), _load(path)) for path in inputs]
    generated = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    _write(html_path, html.render_fleet(merge.fleet_rows(documents), generated))
