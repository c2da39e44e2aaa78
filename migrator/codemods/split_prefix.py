"""VNI002: the old `/API/controller/api` prefix split between a base and a path.

Both halves are rewritten together. The fix is safe only when the join is proved within the
file: every use of the base (or client) is a join the fix rewrites, and no value on the way may
be replaced at run time (an `os.getenv` default, a parameter callers pass). Otherwise it is a
review fix, and the message says why.
"""

from __future__ import annotations

from typing import Any

from migrator.findings import Finding, FixSafety
from migrator.python.context import PythonContext, render_message
from migrator.rulefile import Rule

KIND = "split-prefix"
LANGUAGE = "python"
JOINS = ("httpx", "urljoin", "concat")


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    unknown = set(parameters) - {"clients", "join_functions"}
    if unknown:
        return f"unknown parameter(s) {', '.join(sorted(unknown))} (allowed: clients, join_functions)"
    for i, client in enumerate(parameters.get("clients") or []):
        if not isinstance(client, dict) or not isinstance(client.get("constructor"), str):
            return f"clients[{i}] needs a 'constructor' (qualified name, e.g. httpx.Client)"
        if client.get("join", "httpx") not in JOINS:
            return f"clients[{i}].join must be one of {', '.join(JOINS)}"
        if not isinstance(client.get("methods", []), list):
            return f"clients[{i}].methods must be a list of method names"
    for i, join in enumerate(parameters.get("join_functions") or []):
        if not isinstance(join, dict) or not isinstance(join.get("function"), str):
            return f"join_functions[{i}] needs a 'function' (qualified name)"
        if join.get("join", "urljoin") not in JOINS:
            return f"join_functions[{i}].join must be one of {', '.join(JOINS)}"
    return None


def _owner(ctx: PythonContext, client: str | None) -> str | None:
    """The split-prefix rule that reports a join: the rule declaring its client, else VNI002 (or the first)."""
    candidates = [r for r in ctx.rules if r.kind == KIND]
    if client:
        for rule in candidates:
            if any(c.get("constructor") == client for c in rule.parameters.get("clients") or []):
                return rule.id
    ids = [r.id for r in candidates]
    return "VNI002" if "VNI002" in ids else (ids[0] if ids else None)


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    analysis = ctx.urls
    out: list[Finding] = []
    general = _owner(ctx, None) == rule.id
    for site in analysis.sites:
        if site.rule != "VNI002" or _owner(ctx, site.client) != rule.id:
            continue
        reasons: list[str] = []
        if site.proof != "proved":
            reasons.append("a value on the way may be replaced at run time")
        for resolution, _ in site.remote_refs:
            if not analysis.fully_consumed(resolution.key):
                reasons.append(f"{resolution.label} is also used where the tool cannot follow it")
        for env in site.env:
            reasons.append(f"the environment variable {env} may hold the old base in deployments")
        bases = sorted({r.label for r, _ in site.remote_refs})
        message = render_message(rule, old=site.old, new=site.new, base=", ".join(bases) or "a literal")
        fix = rule.fix
        if site.problem:
            message += f" (not fixed automatically: {site.problem})"
        elif reasons:
            fix = FixSafety.REVIEW if rule.fix is FixSafety.SAFE else rule.fix
            message += " (review: " + "; ".join(dict.fromkeys(reasons)) + ")"
        extra: dict[str, Any] = {"url": site.new, "old_url": site.old, "join": site.kind, "proved": not reasons}
        if site.env:
            extra["environment"] = site.env
        if site.remote_refs:  # definitions the edits change; the project-wide check looks for other modules' uses
            extra["bases"] = sorted({r.key for r, _ in site.remote_refs})
        out.append(ctx.finding(rule, site.node, message, site.edits, fix=fix, replacement=site.new, extra=extra))
    if not general:
        return out
    for node, label in analysis.unresolved_bases:
        out.append(
            ctx.finding(
                rule,
                node,
                f"This path keeps the old /controller/api prefix and is joined to {label}, which is not "
                "defined in this file; migrate the base and drop the prefix from the path together",
                fix=FixSafety.MANUAL,
                extra={"base_name": label},
            )
        )
    for node, value in analysis.partial_bases:
        out.append(
            ctx.finding(
                rule,
                node,
                f"{value!r} ends inside the old /API/controller/api prefix; the paths joined to it were not "
                "found in this file. Change it to https://api.finance.visma.net/ together with those paths",
                fix=FixSafety.MANUAL,
                extra={"partial_base": value},
            )
        )
    return out
