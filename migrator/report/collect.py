"""Gather an audit: scan + dry-run fix, allowlist check and (when asked) the timing probe.

Each part is one function returning its JSON and a `checks` entry saying whether it ran. The
allowlist and probe packages are optional at import time: when one is missing or fails, the
audit records `null` for it and the report says why instead of guessing. The probe runs through
the `vni-migrate probe` command itself, so the audit times calls exactly as that command does.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import io
import json
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from migrator.findings import FileProblem, Finding
from migrator.redact import redact
from migrator.report import model

CONTEXT_LINES = 2  # lines shown above and below a finding
MAX_CONTEXT_LINES = 12


@dataclass
class ProbeTarget:
    """Where to time calls: the local sandbox emulator, or a real base URL (read-only calls)."""

    sandbox: bool = False
    base_url: str | None = None


def display_path(path: object, root: Path) -> str:
    """A path as the report shows it: relative to the audited folder when inside it, with '/'."""
    candidate = Path(str(path))
    base = root if root.is_dir() else root.parent
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return candidate.as_posix()
    try:  # relative to the working directory, e.g. "examples/app/x.py" for root "examples/app"
        return candidate.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError):
        return candidate.as_posix()


def _check(status: str, detail: str = "") -> dict[str, str]:
    return {"status": status, "detail": detail}


def _read_text(path: str, root: Path, cache: dict[str, list[str] | None], changes: dict[str, Any]) -> list[str] | None:
    if path in cache:
        return cache[path]
    lines: list[str] | None = None
    if path in changes:
        lines = changes[path][0].splitlines()
    else:
        for candidate in (Path(path), root / path, root.parent / path):
            try:
                lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
                break
            except OSError:
                continue
    cache[path] = lines
    return lines


def code_context(findings: list[dict[str, Any]], root: Path, changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """'path:line' -> {start, lines}: the redacted source around each finding."""
    cache: dict[str, list[str] | None] = {}
    context: dict[str, dict[str, Any]] = {}
    for finding in findings:
        key = f"{finding['path']}:{finding['line']}"
        if key in context:
            continue
        lines = _read_text(finding["path"], root, cache, changes)
        if not lines:
            continue
        first = max(1, finding["line"] - CONTEXT_LINES)
        last = min(len(lines), max(finding["line"], finding.get("end_line") or 0) + CONTEXT_LINES)
        last = min(last, first + MAX_CONTEXT_LINES - 1)
        context[key] = {"start": first, "lines": [redact(line) for line in lines[first - 1:last]]}
    return context


def unified_diffs(changes: dict[Any, tuple[str, str]]) -> dict[str, str]:
    """path -> unified diff (redacted) of every file the fixes would change."""
    diffs: dict[str, str] = {}
    for path, (old, new) in sorted(changes.items(), key=lambda item: str(item[0])):
        name = str(path)
        text = "".join(difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"))
        if text:
            diffs[name] = redact(text)
    return diffs


def scan(root: Path) -> tuple[dict[str, Any], dict[str, str], dict[str, dict[str, Any]], dict[str, str]]:
    """Scan and dry-run every fix (unsafe ones too): scan JSON, diffs, code context, check."""
    from migrator.runner import RunOptions, run

    result = run([root], RunOptions(write=False, unsafe_fixes=True))
    findings: list[Finding] = list(result.findings)
    problems: list[FileProblem] = list(result.problems)
    finding_json = [f.to_json() for f in findings]
    changes = {str(path): texts for path, texts in (result.changes or {}).items()}
    context = code_context(finding_json, root, changes)  # read with the engine's paths
    for item in finding_json:
        old = f"{item['path']}:{item['line']}"
        item["path"] = display_path(item["path"], root)
        if old in context:
            context[f"{item['path']}:{item['line']}"] = context.pop(old)
    problem_json = [{**p.to_json(), "path": display_path(p.path, root)} for p in problems]
    document = model.scan_document(finding_json, problem_json, result.files_scanned)
    diffs = unified_diffs({display_path(path, root): texts for path, texts in changes.items()})
    return document, diffs, context, _check("ran")


def allowlist(root: Path, listener_url: str | None) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Run the allowlist audit if the package is there; its JSON plus each layer's manual lines."""
    try:
        package = importlib.import_module("migrator.allowlist")
        audit = package.audit
    except (ImportError, AttributeError) as exc:
        return None, _check("unavailable", f"allowlist check not installed ({exc})")
    try:
        result = audit([root], listener_url=listener_url)
    except Exception as exc:  # noqa: BLE001 - a broken check must not hide the scan; the report says what failed
        return None, _check("failed", f"allowlist check failed: {type(exc).__name__}: {exc}")
    data: dict[str, Any] = result.to_json() if hasattr(result, "to_json") else {"layers": []}
    for layer_json, layer in zip(data.get("layers", []), getattr(result, "layers", [])):
        layer_json["path"] = display_path(layer_json.get("path", ""), root)
        lines = getattr(layer, "manual_lines", None)
        if lines:
            layer_json["manual_lines"] = [str(line) for line in lines]
    return data, _check("ran")


def probe(target: ProbeTarget | None, root: Path | None = None) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Time read-only calls when asked, through `vni-migrate probe` (same code path, JSON to a temp file)."""
    if target is None or not (target.sandbox or target.base_url):
        return None, _check("skipped", "not asked for (pass --sandbox or --base-url URL)")
    try:
        probe_command = importlib.import_module("migrator.commands.probe").command
    except (ImportError, AttributeError) as exc:
        return None, _check("unavailable", f"timing probe not installed ({exc})")
    args = [str(root)] if root is not None else []
    args += ["--sandbox"] if target.sandbox else ["--base-url", str(target.base_url)]
    with tempfile.TemporaryDirectory(prefix="vni-audit-") as tmp:
        out = Path(tmp) / "probe.json"
        quiet = io.StringIO()
        try:
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                probe_command.main(args=[*args, "--json", str(out)], prog_name="vni-migrate probe",
                                   standalone_mode=False)
        except click.ClickException as exc:
            if not out.exists():
                return None, _check("failed", f"probe: {exc.format_message()}")
        except Exception as exc:  # noqa: BLE001 - a failed probe is reported, the rest of the audit still stands
            return None, _check("failed", f"probe failed: {type(exc).__name__}: {exc}")
        if not out.exists():
            return None, _check("failed", "probe wrote no results")
        data = json.loads(out.read_text(encoding="utf-8"))
    stopped = data.get("stopped")
    return data, _check("ran", f"stopped early: {stopped}" if stopped else "")


def collect(
    root: Path,
    *,
    project: str | None = None,
    listener_url: str | None = None,
    probe_target: ProbeTarget | None = None,
    phase: Callable[[str], AbstractContextManager[Any]] | None = None,
) -> dict[str, Any]:
    """The full audit document for one repository. `phase(label)` wraps each step (progress on a terminal)."""
    step = phase or (lambda label: contextlib.nullcontext())
    with step("scanning and dry-running every fix"):
        scan_json, diffs, context, scan_check = scan(root)
    with step("checking webhook allowlists"):
        allowlist_json, allowlist_check = allowlist(root, listener_url)
    with step("timing endpoints (probe)"):
        probe_json, probe_check = probe(probe_target, root)
    return model.build(
        project=project or root.resolve().name,
        scan=scan_json,
        diffs=diffs,
        context=context,
        allowlist=allowlist_json,
        probe=probe_json,
        checks={"scan": scan_check, "allowlist": allowlist_check, "probe": probe_check},
        listener_url=listener_url,
        root=str(root),
    )
