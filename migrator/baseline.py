"""The baseline ratchet: accept today's findings, fail only on new ones.

`scan --write-baseline FILE` records every unsuppressed finding; `scan --baseline FILE` hides the
findings the file accounts for and reports the rest. A finding is identified by its rule, its path
relative to the baseline file's folder and its code with whitespace removed and quotes unified, so
an entry survives moved lines and reformatting (black, ruff format) but not an edit of the code
itself. The same code can occur several times in one file: entries carry a count, and only the
occurrences above it are new.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from migrator.findings import Finding
from migrator.output.redaction import write_output

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a vni-migrate baseline (exit code 2)."""


def _relative(path: str, folder: Path) -> str:
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, folder)
    except ValueError:  # another drive on Windows
        rel = absolute
    return rel.replace(os.sep, "/")


def fingerprint(finding: Finding, folder: Path) -> str:
    """`Finding.fingerprint()` with the path made relative to `folder` and quotes unified."""
    snippet = (finding.snippet or finding.message).replace("'", '"')
    relocated = dataclasses.replace(finding, path=_relative(finding.path, folder), snippet=snippet)
    return relocated.fingerprint()


def build(findings: list[Finding], folder: Path) -> dict[str, Any]:
    """The baseline document for `findings` (suppressed ones are left out: they need no baseline)."""
    entries: dict[str, dict[str, Any]] = {}
    for finding in sorted((f for f in findings if not f.suppressed), key=lambda f: (f.path, f.line, f.column, f.rule)):
        key = fingerprint(finding, folder)
        entry = entries.setdefault(
            key, {"fingerprint": key, "rule": finding.rule, "path": _relative(finding.path, folder), "line": finding.line, "count": 0}
        )
        entry["count"] += 1
    return {"version": VERSION, "tool": "vni-migrate", "findings": list(entries.values())}


def write(path: Path, findings: list[Finding]) -> int:
    """Write the baseline of `findings` to `path`; returns how many findings it accepts."""
    document = build(findings, path.resolve().parent)
    try:
        write_output(path, json.dumps(document, indent=1, sort_keys=True) + "\n")  # redacted, atomic
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    return sum(entry["count"] for entry in document["findings"])


def read(path: Path) -> Counter[str]:
    """fingerprint -> how many findings with it the baseline accepts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a vni-migrate baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a vni-migrate baseline (expected version {VERSION} with a findings list)")
    counts: Counter[str] = Counter()
    for i, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str) or not isinstance(entry.get("count", 1), int):
            raise BaselineError(f"{path}: findings[{i}] needs a 'fingerprint' string and a 'count' number")
        counts[entry["fingerprint"]] += entry.get("count", 1)
    return counts


def new_findings(findings: list[Finding], path: Path) -> tuple[list[Finding], int]:
    """(findings the baseline at `path` does not account for, how many it accounted for).

    Suppressed findings are kept (outputs show them as suppressed) and never count as new.
    """
    allowed = read(path)
    folder = path.resolve().parent
    kept: list[Finding] = []
    known = 0
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        if finding.suppressed:
            kept.append(finding)
            continue
        key = fingerprint(finding, folder)
        if allowed[key] > 0:
            allowed[key] -= 1
            known += 1
        else:
            kept.append(finding)
    order = {id(f): i for i, f in enumerate(findings)}
    kept.sort(key=lambda f: order[id(f)])
    return kept, known


def settings_entry(path: Path) -> dict[str, Any]:
    """The baseline as plain run settings (`settings["baseline"]`), so `fix --baseline` leaves the
    known findings alone in every worker: {"folder": ..., "counts": {fingerprint: count}}."""
    return {"folder": str(path.resolve().parent), "counts": dict(read(path))}


def mark_known(findings: list[Finding], entry: dict[str, Any]) -> int:
    """Suppress the findings `entry` (see `settings_entry`) accounts for, with `extra["baseline"]`.

    The counts are copied per call: one analysis of one file consumes them, so a second analysis
    (the fix's verification pass) sees the same baseline."""
    allowed: Counter[str] = Counter(entry.get("counts") or {})
    folder = Path(entry["folder"])
    known = 0
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        if finding.suppressed:
            continue
        key = fingerprint(finding, folder)
        if allowed[key] > 0:
            allowed[key] -= 1
            finding.suppressed = True
            finding.extra["baseline"] = True
            known += 1
    return known
