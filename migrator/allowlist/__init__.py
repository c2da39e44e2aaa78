"""Webhook sender IP allowlist audit (VNI040).

`audit(paths)` finds every layer in a tree that restricts inbound traffic to the webhook listener
and decides whether the three Webhook Dispatcher addresses get through; `findings(result)` turns
the layers into VNI040 findings; `apply_fixes(result)` returns the new text of every fixable file.
Shape (checkov/Trivy): one adapter per format (`formats/`) → `Layer`s of `AllowlistRule`s → one
evaluation engine (`evaluate.py`).
"""

from __future__ import annotations

from pathlib import Path

from migrator.allowlist.discover import candidate_files
from migrator.allowlist.evaluate import decide, evaluate_layer
from migrator.allowlist.formats import ADAPTERS
from migrator.allowlist.listener import Listener, find_route, from_url
from migrator.allowlist.model import (
    AuditContext,
    AuditResult,
    Layer,
    Semantics,
    Verdict,
)
from migrator.allowlist.senders import SENDER_IPS, SENDERS
from migrator.allowlist.text_edits import apply_edits
from migrator.findings import Finding, FixSafety, Severity

__all__ = ["RULE_ID", "SENDER_IPS", "AuditResult", "Layer", "Verdict", "apply_fixes", "audit", "findings"]

RULE_ID = "VNI040"
_FAILING = {Verdict.BLOCKS, Verdict.PARTIAL, Verdict.UNKNOWN, Verdict.SEES_PROXY_IP}


def audit(paths: list[Path], listener_url: str | None = None, find_listener: bool = True) -> AuditResult:
    """Audit every allowlist under `paths`. Raises ValueError for a malformed `listener_url`.

    `find_listener=False` skips looking for the webhook route in the Python files (every rule is
    then in scope): a cheap first pass that tells whether anything restricts at all."""
    files = candidate_files([Path(p) for p in paths])
    probe = AuditContext(Listener())
    texts = [(path, probe.read(path)) for path in files]
    readable = [(path, text) for path, text in texts if text is not None]
    if listener_url:
        listener = from_url(listener_url)
    elif not find_listener:
        listener = Listener()
    else:
        listener = find_route([(p, t) for p, t in readable if p.suffix == ".py"])
    ctx = AuditContext(listener, texts=probe.texts, encodings=probe.encodings)
    layers: list[Layer] = []
    for adapter in ADAPTERS.values():
        mine = [(path, text) for path, text in readable if adapter.detect(path, text)]
        if not mine:
            continue
        try:
            layers.extend(adapter.parse(mine, ctx))
        except Exception as exc:  # noqa: BLE001 - an adapter bug must not hide other formats; report it as an input error
            ctx.problem(mine[0][0], None, f"{adapter.NAME} adapter failed: {type(exc).__name__}: {exc}")
    for layer in layers:
        evaluate_layer(layer)
        if layer.verdict in (Verdict.BLOCKS, Verdict.PARTIAL) and layer.missing:
            if layer.fixer is not None and _fix_can_work(layer):
                try:
                    layer.edits = list(layer.fixer(layer.missing))
                except ValueError:
                    layer.edits = []
            if layer.manual is not None:
                layer.manual_lines = list(layer.manual(layer.missing))
    layers.sort(key=lambda item: (str(item.path), item.line, item.scope))
    return AuditResult(layers, ctx.problems, listener.describe(), dict(ctx.texts), dict(ctx.encodings))


def _fix_can_work(layer: Layer) -> bool:
    """Adding allow entries cannot beat a deny rule in deny-overrides formats: such layers stay manual."""
    if layer.semantics is not Semantics.DENY_OVERRIDES:
        return True
    return all(decide(layer, ip).rule is None for ip in SENDERS if str(ip) in layer.missing)


def failing(result: AuditResult) -> bool:
    """True when any layer keeps a sender out (or might): the command's exit 1."""
    return any(layer.verdict in _FAILING for layer in result.layers)


def _severity(verdict: Verdict) -> Severity:
    if verdict in (Verdict.BLOCKS, Verdict.PARTIAL):
        return Severity.ERROR
    if verdict in (Verdict.UNKNOWN, Verdict.SEES_PROXY_IP):
        return Severity.WARNING
    return Severity.INFO


def findings(result: AuditResult, include_passing: bool = False) -> list[Finding]:
    """VNI040 findings: BLOCKS/PARTIAL errors, UNKNOWN/SEES_PROXY_IP warnings, passing layers on request."""
    out: list[Finding] = []
    for layer in result.layers:
        if layer.verdict in (Verdict.ALLOWS, Verdict.NOT_RESTRICTING) and not include_passing:
            continue
        message = f"webhook sender allowlist {layer.verdict.value} ({layer.format}, {layer.scope})"
        if layer.missing:
            message += f": missing {', '.join(layer.missing)}"
        if layer.detail:
            message += f" — {layer.detail}"
        if layer.manual_lines and not layer.edits:
            message += " — add: " + " | ".join(layer.manual_lines)
        text = result.texts.get(Path(layer.path).resolve(), "")
        snippet = text.splitlines()[layer.line - 1] if text and 0 < layer.line <= text.count("\n") + 1 else ""
        out.append(
            Finding(
                rule=RULE_ID,
                severity=_severity(layer.verdict),
                fix=FixSafety.SAFE if layer.edits else FixSafety.MANUAL,
                path=str(layer.path),
                line=layer.line,
                column=1,
                end_line=layer.line,
                end_column=max(1, len(snippet) + 1),
                message=message,
                edits=tuple(layer.edits),
                snippet=f"{layer.scope} {snippet.strip()}",
                extra={"layer": layer.to_json(), "add_lines": list(layer.manual_lines)},
            )
        )
    return out


def apply_fixes(result: AuditResult) -> dict[Path, str]:
    """New text for every file with safe edits (edits applied bottom-to-top, duplicates once)."""
    by_file: dict[Path, list] = {}
    shown: dict[Path, Path] = {}
    for layer in result.layers:
        if layer.edits:
            key = Path(layer.path).resolve()
            by_file.setdefault(key, []).extend(layer.edits)
            shown.setdefault(key, Path(layer.path))
    return {shown[key]: apply_edits(result.texts[key], edits) for key, edits in by_file.items()}
