"""`vni-migrate audit PATH`: scan, dry-run fix, allowlist check, optional probe, one report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from migrator.output.progress import Progress
from migrator.output.redaction import write_output
from migrator.redact import redact
from migrator.report import collect, html, model


def summary_text(document: dict[str, Any]) -> str:
    """The few lines printed after an audit (redacted)."""
    doc = document
    score = doc["score"]
    summary = doc["scan"]["summary"]
    by_fix = summary.get("by_fix", {})
    sev = summary.get("findings", {})
    lines = [
        (f"{doc['project']}: readiness {score['value']}/100 ({score['grade']}), "
        f"{score['after_fixes']}/100 after `vni-migrate fix --unsafe-fixes`"),
        (f"  findings: {sev.get('error', 0)} errors, {sev.get('warning', 0)} warnings, {sev.get('info', 0)} info; "
        f"{by_fix.get('safe', 0)} would be fixed by `vni-migrate fix`, {by_fix.get('review', 0)} need review, "
        f"{by_fix.get('manual', 0)} manual (nothing was written)"),
    ]
    if score.get("sites"):
        lines.append(f"  {score['sites']} open VNI sites; the automatic fixes resolve {score.get('fixable_share', 0)} % of their weight")
    for reason in score.get("unknowns", [])[:5]:
        lines.append(f"  unknown: {reason}")
    for name, check in (doc.get("checks") or {}).items():
        if check.get("status") != "ran":
            lines.append(f"  {name}: {check['status']}" + (f" ({check['detail']})" if check.get("detail") else ""))
    return redact("\n".join(lines))


@click.command("audit")
@click.argument("path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML report here.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the audit JSON here (render it later with `vni-migrate report`).")
@click.option("--sandbox", is_flag=True, help="Time calls against the local sandbox emulator.")
@click.option("--base-url", metavar="URL", help="Time read-only calls against this API base URL.")
@click.option("--listener-url", metavar="URL", help="The webhook listener URL (for the allowlist check and checklist).")
@click.option("--project", metavar="NAME", help="Name shown in the report (default: the folder name).")
def command(
    path: Path,
    html_path: Path | None,
    json_path: Path | None,
    sandbox: bool,
    base_url: str | None,
    listener_url: str | None,
    project: str | None,
) -> None:
    """Audit PATH for the move to API Management and write the migration-readiness report.

    Runs the scan, a dry-run of every fix (nothing is written), the webhook allowlist check
    and, with --sandbox or --base-url, the 240 s timing probe. Exit codes: 0 nothing left to
    migrate, 1 findings remain, 2 usage or input error.
    """
    if sandbox and base_url:
        raise click.UsageError("--sandbox and --base-url exclude each other")
    target = collect.ProbeTarget(sandbox=sandbox, base_url=base_url) if (sandbox or base_url) else None
    progress = Progress()
    try:
        document = collect.collect(path, project=project, listener_url=listener_url, probe_target=target,
                                   phase=progress.phase)
    except NotImplementedError as exc:
        click.echo(f"vni-migrate: {path}: scan engine not available: {exc}", err=True)
        sys.exit(2)
    with progress.phase("writing the report"):
        outputs = ((json_path, model.dumps(document) if json_path else ""),
                   (html_path, html.render_audit(document) if html_path else ""))
    for out, text in outputs:
        if out is None:
            continue
        try:
            write_output(out, text)  # redacted, atomic
        except OSError as exc:
            click.echo(f"vni-migrate: {out}: cannot write: {exc.strerror or exc}", err=True)
            sys.exit(2)
    click.echo(summary_text(document))
    for out in (json_path, html_path):
        if out is not None:
            click.echo(f"  wrote {out}")
    open_findings = [f for f in document["scan"]["findings"] if not f.get("suppressed")]
    sys.exit(1 if open_findings else 0)
