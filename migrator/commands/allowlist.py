"""`vni-migrate allowlist`: do the webhook sender IPs get through every inbound allowlist?"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from migrator.allowlist import apply_fixes, audit, failing
from migrator.output import registry


def write_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Temp file in the same directory, same mode, then os.replace: readers never see half a file."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode(encoding))  # text keeps its own newlines (read without translation)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("allowlist")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(registry.choices("allowlist")), default="text", show_default=True)
@click.option("--listener-url", metavar="URL", help="The webhook listener, e.g. https://hooks.example.com/webhooks/visma; "
              "default: the webhook route found in the code.")
@click.option("--fix", is_flag=True, help="Add the missing sender IPs where a safe edit exists.")
def command(paths: tuple[Path, ...], output_format: str, listener_url: str | None, fix: bool) -> None:
    """Check every inbound IP allowlist (nginx, Apache, Kubernetes/Traefik/Istio, Terraform, CloudFormation,
    Python/env settings) lets the three Webhook Dispatcher IPs reach the webhook listener.

    \b
    Exit codes: 0 every restricting layer allows all three (or nothing restricts),
    1 a layer BLOCKS, is PARTIAL, UNKNOWN or SEES_PROXY_IP, 2 usage or input error.
    """
    try:
        result = audit(list(paths), listener_url)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if fix:
        for path, text in apply_fixes(result).items():
            write_atomic(path, text, result.encodings.get(path.resolve(), "utf-8"))
            click.echo(f"fixed {path}", err=True)
        result = audit(list(paths), listener_url)  # report what is left after the fix
    click.echo(registry.render("allowlist", output_format, result), nl=False)
    if result.problems:
        for problem in result.problems:
            click.echo(f"vni-migrate allowlist: {problem}", err=True)
        sys.exit(2)
    sys.exit(1 if failing(result) else 0)
