"""VNI050: old, half-migrated and retired VNI URLs in configuration files.

A project-wide kind: configuration files (`.env`, `.ini`/`.cfg`, `.toml`, `.json`, `.yaml`,
`.xml`/`.config`, `.properties`) are read here, after a cheap byte check. Complete URLs are
rewritten inside the value only (everything else in the file keeps its bytes); retired endpoints
and bases that end inside the old prefix are reported for a person. A base kept in a `.env` value
and joined in Python code with `/controller/api/...` paths is fixed together with those paths
(`migrator.configfiles.env_pairs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrator import urls
from migrator.configfiles import ConfigFileError, ConfigValue, format_for
from migrator.configfiles.env_pairs import pair_findings
from migrator.configfiles.rewrite import url_changes, verify
from migrator.findings import FileProblem, Finding, FixSafety
from migrator.prefilter import file_has
from migrator.python.context import render_message
from migrator.retired_endpoints import retired_advice
from migrator.rulefile import Rule
from migrator.spans import SpanText

KIND = "config-url"
LANGUAGE = "project"
_MAX_BYTES = 5_000_000
_NEEDLES = (b"visma", "visma".encode("utf-16-le"))  # UTF-16 web.config files too
# `prefilter` tags no file that holds none of these (the runner's byte search finds the rest)
SCREEN_NEEDLES = _NEEDLES
PYTHON_SCREEN_NEEDLES = ()  # it reads no Python file


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def screens(path: Path) -> bool:
    """Files the runner should read for this kind while screening (by name only)."""
    return format_for(path) is not None


def prefilter(path: Path, lowered: bytes) -> tuple[str, ...]:
    return ("candidate",) if format_for(path) is not None and any(n in lowered for n in _NEEDLES) else ()  # the name first: cheaper


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    out: list[Finding] = []
    partial_bases: dict[str, list[tuple[SpanText, ConfigValue]]] = {}
    for path, display in ctx.files:
        module = format_for(path)
        if module is None or not ctx.tagged(KIND, "candidate", path, lambda: file_has(path, _NEEDLES, _MAX_BYTES)):  # noqa: B023
            continue
        source = ctx.source(display, path)
        if source is None:
            continue
        span_text = SpanText(display, source.text)
        try:  # one unreadable file is a problem naming it; the run goes on with the others
            found = module.values(source.text)
            changes = url_changes(source.text, module, found)
            problem = verify(source.text, module, found, changes)
        except ConfigFileError as exc:
            ctx.problems.append(FileProblem(display, f"{rule.id}: {exc}; its URLs were not checked", exc.line))
            continue
        except RecursionError:
            ctx.problems.append(FileProblem(display, f"{rule.id}: nested too deeply to read; its URLs were not checked"))
            continue
        if problem is not None:
            ctx.problems.append(FileProblem(display, f"{rule.id}: {problem}; its URLs were not rewritten"))
        for change in changes:
            message = render_message(rule, old=change.value.value, new=change.new_value, key=change.value.key or "value")
            reason = change.problem or problem
            if reason:
                message += f" (not fixed automatically: {reason})"
            extra = {"key": change.value.key, "url": change.new_value, "old_url": change.value.value,
                     "maps_to": change.maps_to, "format": module.NAME}
            out.append(span_text.finding(
                rule, change.value.start, change.value.end, message, [] if reason else change.edits,
                fix=FixSafety.MANUAL if reason else None, replacement=change.new_value, extra=extra,
            ))
        changed = {(c.value.start, c.value.end) for c in changes}
        for value in found:
            if (value.start, value.end) in changed:
                continue
            advice = retired_advice(value.value)
            if advice is not None:
                out.append(span_text.finding(
                    rule, value.start, value.end, f"Retired VNI endpoint in {value.key or 'a value'} ({advice}): {value.value}",
                    fix=FixSafety.MANUAL, extra={"key": value.key, "old_url": value.value, "retired": True, "format": module.NAME},
                ))
            elif urls.PARTIAL_BASE_RE.search(value.value) and urls.OLD_HOST_RE.search(value.value):
                partial_bases.setdefault(value.key.rsplit(".", 1)[-1], []).append((span_text, value))
    paired, unpaired = pair_findings(ctx, rule, partial_bases)
    out.extend(paired)
    for span_text, value in unpaired:
        out.append(span_text.finding(
            rule, value.start, value.end,
            f"{value.key or 'This value'} = {value.value!r} ends inside the old /API/controller/api prefix; the "
            "paths joined to it are not in this tree's code. Change it to https://api.finance.visma.net/ together "
            "with those paths",
            fix=FixSafety.MANUAL, extra={"key": value.key, "old_url": value.value, "partial_base": True},
        ))
    return out
