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
from migrator.redact import RedactionUnavailable

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


def usage_line(exc: click.ClickException) -> str:
    """A click error as one line: `vni-migrate scan: error: No such option: --fromat (did you mean --format?)`
    (click's own output is the usage text, a blank line and the error, over four lines)."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if isinstance(ctx, click.Context) and ctx.command_path else "vni-migrate"
    message = " ".join(exc.format_message().split())
    hint = f" (`{where} --help` lists the options)" if isinstance(exc, click.UsageError) else ""
    return f"{where}: error: {message}{hint}"


def main() -> None:
    """Console-script entry point. Usage errors are one line and exit 2; uncaught errors are reported as 2 too."""
    install_streams()  # before anything can print: usage and internal errors are redacted too
    try:
        code = cli.main(prog_name="vni-migrate", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `vni-migrate`: the help is the answer
            click.echo(exc.format_message(), err=True)
            sys.exit(EXIT_ERROR)
        click.echo(usage_line(exc), err=True)
        sys.exit(exc.exit_code if exc.exit_code else EXIT_ERROR)
    except click.exceptions.Abort:
        click.echo("vni-migrate: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("vni-migrate: interrupted", err=True)
        sys.exit(130)
    except RedactionUnavailable as exc:  # the detector failed when a line first needed it: print nothing more
        for real in (sys.__stdout__, sys.__stderr__):
            if real is not None:
                real.flush()  # the lines already redacted in full; what the redacting streams hold is dropped
        if sys.__stderr__ is not None:
            sys.__stderr__.write(f"vni-migrate: error: {exc}\n")
            sys.__stderr__.flush()
        os._exit(EXIT_ERROR)
    except Exception as exc:
        if os.environ.get("VNI_MIGRATE_DEBUG"):
            raise
        click.echo(f"vni-migrate: internal error: {type(exc).__name__}: {exc} (set VNI_MIGRATE_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_ERROR)
