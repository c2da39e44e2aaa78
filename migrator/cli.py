"""The `vni-migrate` command line: a click group whose sub-commands live in `migrator/commands/`."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

import migrator
import migrator.commands

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(migrator.__version__, prog_name="vni-migrate")
def cli() -> None:
    """Move Visma.net ERP integrations from the VNI gateway (integration.visma.net/API/...)
    to API Management (api.finance.visma.net).

    \b
    Exit codes: 0 clean, 1 findings or pending fixes, 2 usage, configuration or internal error.
    """


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(migrator.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"migrator.commands.{info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_load_commands()


def main() -> None:
    """Console-script entry point. Click's usage errors exit 2; uncaught errors are reported as 2 too."""
    try:
        cli.main(prog_name="vni-migrate", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("vni-migrate: interrupted", err=True)
        sys.exit(130)
