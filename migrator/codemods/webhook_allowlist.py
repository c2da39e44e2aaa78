"""VNI040: allowlists in front of the webhook listener must let the three new sender IPs through.

A project-wide kind: it hands the allowlist audit (`migrator.allowlist`) the files that can hold
an allowlist or the webhook route, after a cheap byte check so a large tree costs little.
"""

from __future__ import annotations

import re
from pathlib import Path

from migrator import bytesearch
from migrator.allowlist.discover import _wanted
from migrator.discovery import PYTHON_SUFFIXES
from migrator.findings import FileProblem, Finding
from migrator.rulefile import Rule

KIND = "webhook-sender-allowlist"
LANGUAGE = "project"

_ADDRESS = re.compile(rb"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|::/0|deny\s+all|denyall")
_CONFIG_WORDS = (b"allow", b"deny", b"whitelist", b"cidr", b"ipblock", b"sourcerange", b"ipsecurity", b"require", b"acl", b"saddr", b"firewall", b"ingress",
                 b"-j accept", b"-j drop", b"-j reject")  # iptables-save / ufw user.rules hold none of the words above
# Python and .env allowlists are named for what they hold; a plain "allow" in code is no allowlist.
_CODE_WORDS = (b"allowed_ips", b"allowlist", b"allow_list", b"whitelist", b"webhook_ips", b"trusted_ips", b"sender_ips", b"allowed_webhook", b"ip_allow", b"allowed_hosts_ips")
_CODE_GATE = (b"_ips", b"allowlist", b"whitelist", b"allow_list", b"ip_allow")  # every _CODE_WORDS entry holds one
_ROUTE_MARKERS = (b"route", b"@app.", b"@router.", b"path(", b"re_path(")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()[:2_000_000].lower()
    except OSError:
        return b""


# Data formats hold allowlists only in a few known shapes; checking for them first keeps large
# trees of unrelated JSON and YAML (API specs, fixtures) away from the parsers.
_SHAPES = {
    ".json": (b"aws::ec2::securitygroup", b"aws::waf"),
    ".yaml": (b"aws::ec2::securitygroup", b"aws::waf", b"networkpolicy", b"authorizationpolicy", b"ipallowlist",
              b"ipwhitelist", b"whitelist-source-range", b"allowlist-source-range"),
    ".tf": (b"cidr", b"source_address", b"ip_set", b"source_ranges"),
    ".config": (b"ipsecurity",),  # web.config / applicationHost.config: only <ipSecurity> is an allowlist
}
_SHAPES[".yml"] = _SHAPES[".yaml"]
_SHAPES[".tfvars"] = _SHAPES[".tf"]
# `prefilter` tags no file that holds none of these (the runner's byte search finds the rest)
SCREEN_NEEDLES = tuple(sorted({*_CONFIG_WORDS, *_CODE_WORDS, *(w for words in _SHAPES.values() for w in words)}))
PYTHON_SCREEN_NEEDLES = _CODE_GATE


def _allowlist_candidate(path: Path, raw: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix in _SHAPES:
        words: tuple[bytes, ...] = _SHAPES[suffix]
    elif suffix in (".py", ".pyi") or ".env" in path.name:
        words = _CODE_WORDS
    else:
        words = _CONFIG_WORDS
    return any(word in raw for word in words) and _ADDRESS.search(raw) is not None


def screens(path: Path) -> bool:
    """Non-Python files the runner should read for this kind while screening (by name only)."""
    return _wanted(path) or path.name == ".env"


def prefilter(path: Path, lowered: bytes) -> tuple[str, ...]:
    """The tag "allowlist" for a file that may hold one, from its lower-cased bytes."""
    if path.suffix not in (".py", ".pyi"):
        return ("allowlist",) if _allowlist_candidate(path, lowered) else ()
    if any(word in lowered for word in _CODE_GATE) and _allowlist_candidate(path, lowered):
        return ("allowlist",)
    return ()


def _route_files(ctx, chosen: list[Path]) -> list[Path]:  # type: ignore[no-untyped-def]
    """Python files that may define the webhook route. Looked for only once an allowlist is found:
    most trees have none, and "hook" is a common word (screening for it read a tenth of a clean tree)."""
    python = [str(path) for path, _ in ctx.files if str(path).endswith(PYTHON_SUFFIXES) and path not in chosen]
    found = bytesearch.search(python, (b"hook",))
    out: list[Path] = []
    for name in python if found is None else sorted(found.holding | found.unsure):
        try:
            lowered = Path(name).read_bytes().lower()
        except OSError:
            continue
        if b"hook" in lowered and any(marker in lowered for marker in _ROUTE_MARKERS):
            out.append(Path(name))
    return sorted(out)


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    from migrator import allowlist

    chosen = sorted(ctx.hints.get(f"{KIND}:allowlist", set()))
    if not ctx.screened:  # a hand-made context: read the configuration files here
        for path, _ in ctx.files:
            if path.suffix not in (".py", ".pyi") and screens(path) and _allowlist_candidate(path, _read(path)):
                chosen.append(path)
    if not chosen:
        return []
    try:
        result = allowlist.audit(chosen, ctx.listener_url, find_listener=bool(ctx.listener_url))
        if result.layers and not ctx.listener_url:
            # Only now is the listener's scope worth finding: audit again with the route files.
            result = allowlist.audit(chosen + _route_files(ctx, chosen), None)
    except ValueError as exc:
        ctx.problems.append(FileProblem("--listener-url", str(exc)))
        return []
    for problem in result.problems:  # "path:line: message" or "path: message"
        where, _, message = str(problem).partition(": ")
        path, _, line = where.rpartition(":") if where.rsplit(":", 1)[-1].isdigit() else (where, "", "")
        ctx.problems.append(FileProblem(ctx.display(Path(path)), f"allowlist: {message}", int(line) if line else None))
    out: list[Finding] = []
    for finding in allowlist.findings(result):
        finding.path = ctx.display(Path(finding.path))
        finding.rule = rule.id
        out.append(finding)
    return out
