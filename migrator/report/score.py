"""Migration-readiness score: 100 means nothing is left to do before the old host goes away.

The score starts at 100 and loses points for every open item, then stops at 0:

| open item | points |
|---|---|
| error finding: manual / fix to review / automatic fix | 10 / 5 / 2 |
| warning finding: manual / fix to review / automatic fix | 4 / 2 / 1 |
| info finding | 0 |
| allowlist layer that BLOCKS, lets only some sender IPs through (PARTIAL) or sees only a proxy IP | 15 |
| allowlist layer the tool could not decide (UNKNOWN) | 5 |
| endpoint whose predicted request time reaches the 240 s gateway cut | 15 |
| endpoint predicted above 80 % of the cut (192 s) | 5 |
| file that could not be checked (unreadable, unparsable, too large), allowlist file that could not be parsed, endpoint that could not be measured | 5 each, at most 30 |
| a check that was asked for but failed | 10 |

How close: `sites` counts the open VNI sites (unsuppressed findings) and `fixable_share` is the
share of their points that `vni-migrate fix --unsafe-fixes` resolves on its own (0-100 %); the rest
is manual work, allowlist layers and slow endpoints.

Unknown is never ready: while anything could not be checked, the score stays below 90 (at most
"work left") and `unknowns` lists why, however few the findings.

Suppressed findings cost nothing. "After automatic fixes" is the same sum without the
findings `vni-migrate fix` resolves on its own (safe fixes; review fixes with --unsafe-fixes).
Grades: 90-100 ready, 60-89 work left, below 60 not ready. A check that did not run (no
allowlist or probe result) costs nothing but is shown as "not checked": the score can only
speak for what was checked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

GATEWAY_CUT_SECONDS = 240.0
NEAR_CUT_SECONDS = 0.8 * GATEWAY_CUT_SECONDS

FINDING_POINTS: dict[str, dict[str, int]] = {
    "error": {"manual": 10, "review": 5, "safe": 2},
    "warning": {"manual": 4, "review": 2, "safe": 1},
    "info": {"manual": 0, "review": 0, "safe": 0},
}
ALLOWLIST_POINTS = {"BLOCKS": 15, "PARTIAL": 15, "SEES_PROXY_IP": 15, "UNKNOWN": 5}
ENDPOINT_OVER_POINTS = 15
ENDPOINT_NEAR_POINTS = 5
UNCHECKED_POINTS = 5
UNCHECKED_CAP = 30
FAILED_CHECK_POINTS = 10
UNKNOWN_CEILING = 89  # the best score while anything is unknown: below "ready"


@dataclass
class Score:
    value: int
    after_fixes: int
    grade: str
    penalties: dict[str, int]  # what the points were lost for
    checked: dict[str, bool]  # scan / allowlist / probe
    unknowns: list[str] = field(default_factory=list)  # what could not be checked, one reason each
    sites: int = 0  # open VNI sites (unsuppressed findings)
    fixable_share: int = 100  # % of the findings' points the automatic fixes resolve

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def grade(value: int) -> str:
    """The word shown beside the number."""
    if value >= 90:
        return "ready"
    if value >= 60:
        return "work left"
    return "not ready"


def endpoint_seconds(endpoint: dict[str, Any]) -> float | None:
    """The per-request time the score judges: the prediction, else the slowest sample."""
    for key in ("predicted_call_seconds", "max", "p95"):
        value = endpoint.get(key)
        if isinstance(value, (int, float)):
            return float(value)
    return None


def unknown_items(
    allowlist: dict[str, Any] | None,
    probe: dict[str, Any] | None,
    problems: list[dict[str, Any]] | None,
    checks: dict[str, dict[str, Any]] | None,
) -> tuple[list[str], int]:
    """(reasons, points) for everything the audit could not check."""
    reasons: list[str] = []
    unchecked = 0
    for problem in problems or []:
        where = f"{problem.get('path')}:{problem.get('line')}" if problem.get("line") else str(problem.get("path"))
        reasons.append(f"not checked: {where}: {problem.get('message')}")
        unchecked += 1
    for problem in (allowlist or {}).get("problems", []) or []:
        reasons.append(f"allowlist not checked: {problem}")
        unchecked += 1
    for layer in (allowlist or {}).get("layers", []) or []:
        if str(layer.get("verdict", "")).upper() == "UNKNOWN":  # its points are in the allowlist penalty
            reasons.append(f"allowlist undecided: {layer.get('path')}:{layer.get('line')}: {layer.get('detail') or 'UNKNOWN'}")
    for endpoint in (probe or {}).get("endpoints", []) or []:
        if str(endpoint.get("verdict", "")).upper() == "UNKNOWN" or endpoint_seconds(endpoint) is None:
            reasons.append(f"endpoint not measured: {endpoint.get('endpoint')}" + (f" ({endpoint['detail']})" if endpoint.get("detail") else ""))
            unchecked += 1
    points = min(UNCHECKED_CAP, unchecked * UNCHECKED_POINTS)
    for name, check in (checks or {}).items():
        if str(check.get("status")) == "failed":
            reasons.append(f"{name} check failed: {check.get('detail') or 'no detail'}")
            points += FAILED_CHECK_POINTS
    return reasons, points


def compute(
    findings: list[dict[str, Any]],
    allowlist: dict[str, Any] | None,
    probe: dict[str, Any] | None,
    problems: list[dict[str, Any]] | None = None,
    checks: dict[str, dict[str, Any]] | None = None,
) -> Score:
    """Score findings (scan JSON dicts), allowlist layers and probe endpoints; `problems` (the scan's
    files that could not be processed) and failed `checks` count as unknown, which is never ready."""
    penalties = {"findings": 0, "findings_after_fixes": 0, "allowlist": 0, "endpoints": 0, "unknown": 0}
    for finding in findings:
        if finding.get("suppressed"):
            continue
        fix = str(finding.get("fix", "manual"))
        points = FINDING_POINTS.get(str(finding.get("severity")), FINDING_POINTS["warning"]).get(fix, 0)
        penalties["findings"] += points
        if not (finding.get("fixable") and fix in ("safe", "review")):
            penalties["findings_after_fixes"] += points
    for layer in (allowlist or {}).get("layers", []) or []:
        penalties["allowlist"] += ALLOWLIST_POINTS.get(str(layer.get("verdict", "")).upper(), 0)
    for endpoint in (probe or {}).get("endpoints", []) or []:
        seconds = endpoint_seconds(endpoint)
        if seconds is None:
            continue
        if seconds >= GATEWAY_CUT_SECONDS:
            penalties["endpoints"] += ENDPOINT_OVER_POINTS
        elif seconds >= NEAR_CUT_SECONDS:
            penalties["endpoints"] += ENDPOINT_NEAR_POINTS
    unknowns, penalties["unknown"] = unknown_items(allowlist, probe, problems, checks)
    open_findings = [f for f in findings if not f.get("suppressed")]
    resolved = penalties["findings"] - penalties["findings_after_fixes"]
    share = round(100 * resolved / penalties["findings"]) if penalties["findings"] else 100
    other = penalties["allowlist"] + penalties["endpoints"] + penalties["unknown"]
    value = max(0, 100 - penalties["findings"] - other)
    after = max(0, 100 - penalties["findings_after_fixes"] - other)
    if unknowns:
        value, after = min(value, UNKNOWN_CEILING), min(after, UNKNOWN_CEILING)
    checked = {"scan": True, "allowlist": allowlist is not None, "probe": probe is not None}
    return Score(value=value, after_fixes=after, grade=grade(value), penalties=penalties, checked=checked, unknowns=unknowns,
                 sites=len(open_findings), fixable_share=share)


DEFINITION = (__doc__ or "").strip()
