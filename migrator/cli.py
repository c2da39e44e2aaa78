"""The `vni-migrate` command line: a click group whose sub-commands live in `migrator/commands/`."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import click

import migrator
import migrator.commands
from migrator.output.redaction import install_streams

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class CommandFolder(click.Group):
    """Sub-commands are the modules of `migrator/commands/` (module name = command name), imported
    only when used, so `vni-migrate scan` does not pay for the report's or the sandbox's imports."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = {info.name for info in pkgutil.iter_modules(migrator.commands.__path__) if not info.name.startswith("_")}
        return sorted(names | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in self.list_commands(ctx):
            return None
        module = importlib.import_module(f"migrator.commands.{cmd_name}")
        command = getattr(module, "command", None)
        return command if isinstance(command, click.Command) else None


@click.group(cls=CommandFolder, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(migrator.__version__, prog_name="vni-migrate")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Move Visma.net ERP integrations from the VNI gateway (integration.visma.net/API/...)
    to API Management (api.finance.visma.net).

    \b
    Exit codes: 0 clean, 1 findings or pending fixes, 2 usage, configuration or internal error.
    """
    ctx.call_on_close(install_streams())  # every byte on stdout/stderr is redacted (also under CliRunner)


def main() -> None:
    """Console-script entry point. Click's usage errors exit 2; uncaught errors are reported as 2 too."""
    install_streams()  # before anything can print: usage and internal errors are redacted too
    try:
        cli.main(prog_name="vni-migrate", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("vni-migrate: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("VNI_MIGRATE_DEBUG"):
            raise
        click.echo(f"vni-migrate: internal error: {type(exc).__name__}: {exc} (set VNI_MIGRATE_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_ERROR)
