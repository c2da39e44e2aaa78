"""Which endpoints to probe: Visma list calls found in source text, and `--endpoint` options.

Self-contained regex scan (old and new base URLs, the split forms seen in code, `pageSize`
values near them); the scan engine's findings can replace it later. Paths are returned in API
Management form, `/v1/customer`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TEXT_SUFFIXES = {
    ".py", ".js", ".mjs", ".ts", ".cs", ".java", ".kt", ".php", ".rb", ".go", ".ps1", ".sh", ".json",
    ".yaml", ".yml", ".ini", ".cfg", ".toml", ".env", ".config", ".xml", ".properties", ".txt",
}
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", "dist", "build"}
_MAX_FILE_BYTES = 2 * 1024 * 1024
_HOSTS = re.compile(r"integration\.visma\.net|api\.finance\.visma\.net", re.IGNORECASE)
# old prefix (whole or split after /API or /API/controller), new host, or a bare /v1/x in a Visma file
_CALL = re.compile(
    r"""(?ix)
    (?: /?api(?:/service)?/controller/api/ | controller/api/ | ["'`/]api/ | api\.finance\.visma\.net/ )
    (?P<version>v\d+)/(?P<resource>[A-Za-z][A-Za-z0-9]*)
    """
)
_BARE = re.compile(r"""["'`](?:/)?(?P<version>v\d+)/(?P<resource>[A-Za-z][A-Za-z0-9]*)""")
# a base that already holds the version, joined later: BASE = ".../API/controller/api/v1" ... f"{BASE}/customer"
_VERSIONED_BASE = re.compile(
    r"""(?ix)(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*["'`][^"'`\n]*?
    (?:controller/api/|api\.finance\.visma\.net/)(?P<version>v\d+)/?["'`]"""
)
# a URL's host written before a match on the same line; only the two gateways of the move are probed
_HOST_BEFORE = re.compile(r"(?i)https?://(?P<host>[a-z0-9.-]+)[^\s\"'`]*$")
_MOVE_HOSTS = {"integration.visma.net", "api.finance.visma.net"}
_PAGE_SIZE = re.compile(r"""(?i)page_?size["']?\s*(?:[:=,]|=>)\s*["']?(?P<size>\d{1,6})""")
_NOT_LISTS = {"background", "token", "authorize"}
_NEAR_LINES = 30


@dataclass
class ProbeEndpoint:
    path: str  # "/v1/customer"
    page_size: int | None = None  # the integration's own page size, when known
    page_size_source: str = "unknown"  # "code", "option", or "unknown"
    sources: list[str] = field(default_factory=list)  # "file:line"


class EndpointSpecError(ValueError):
    pass


def parse_endpoint_option(spec: str) -> ProbeEndpoint:
    """`/v1/customer`, `/v1/customer:500` or `GET /v1/customer:500`; any other method is refused."""
    text = spec.strip()
    method, _, rest = text.partition(" ")
    if rest:
        if method.upper() not in ("GET", "HEAD"):
            raise EndpointSpecError(f"--endpoint {spec!r}: the probe is read-only and never sends {method.upper()}")
        text = rest.strip()
    path, sep, size = text.rpartition(":")
    if not sep or not size.isdigit():
        path, size = text, ""
    path = to_api_path(path) or ""
    if not re.fullmatch(r"/v\d+/[A-Za-z][A-Za-z0-9]*", path):
        raise EndpointSpecError(f"--endpoint {spec!r}: expected a list path like /v1/customer[:pageSize]")
    if size and int(size) < 1:
        raise EndpointSpecError(f"--endpoint {spec!r}: page size must be at least 1")
    return ProbeEndpoint(path, int(size) if size else None, "option" if size else "unknown", ["--endpoint"])


def to_api_path(path: str) -> str | None:
    """`/API/controller/api/v1/customer` or a full URL -> `/v1/customer`; None when no version/resource."""
    match = re.search(r"(?i)/?(v\d+)/([A-Za-z][A-Za-z0-9]*)\s*$", path.split("?")[0].rstrip("/"))
    return f"/{match.group(1).lower()}/{match.group(2)}" if match else None


def _iter_files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix.lower() in _TEXT_SUFFIXES or name.startswith(".env"):
                yield path


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class _Joined:
    """A `{BASE}/resource` use, shaped like a regex match for `scan_text`."""

    version: str
    resource: str
    at: int

    def __getitem__(self, key: str) -> str:
        return {"version": self.version, "resource": self.resource}[key]

    def start(self, group: str | None = None) -> int:
        return self.at


def _outside_the_move(text: str, offset: int) -> bool:
    """Whether the path at `offset` belongs to a URL on another host (salesorder.visma.net, ...)."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = _HOST_BEFORE.search(text[line_start:offset + 1])
    return before is not None and before["host"].lower() not in _MOVE_HOSTS


def scan_text(text: str, label: str) -> list[ProbeEndpoint]:
    """Endpoints in one file's text, each with the page size written nearest to it."""
    visma_file = bool(_HOSTS.search(text))
    sizes = [(_line_of(text, m.start()), int(m["size"])) for m in _PAGE_SIZE.finditer(text)]
    distinct = {size for _, size in sizes}
    found: list[ProbeEndpoint] = []
    seen_spans: set[int] = set()
    matches: list[Any] = list(_CALL.finditer(text)) + (list(_BARE.finditer(text)) if visma_file else [])
    for base in _VERSIONED_BASE.finditer(text):
        name = re.escape(base["name"])
        joined = re.compile(rf"""(?x)(?:\{{{name}\}}|\b{name}\s*\+\s*["'`])/(?P<resource>[A-Za-z][A-Za-z0-9]*)""")
        for use in joined.finditer(text):
            matches.append(_Joined(base["version"], use["resource"], use.start()))
    for match in matches:
        if match.start("version") in seen_spans:
            continue
        seen_spans.add(match.start("version"))
        resource = match["resource"]
        if resource.lower() in _NOT_LISTS or _outside_the_move(text, match.start("version")):
            continue
        line = _line_of(text, match.start())
        near = sorted((abs(size_line - line), size) for size_line, size in sizes if abs(size_line - line) <= _NEAR_LINES)
        size = near[0][1] if near else (next(iter(distinct)) if len(distinct) == 1 else None)
        found.append(ProbeEndpoint(f"/{match['version'].lower()}/{resource}", size,
                                   "code" if size else "unknown", [f"{label}:{line}"]))
    return found


def discover(root: Path) -> list[ProbeEndpoint]:
    """All endpoints under `root`, merged by path (case-insensitive) keeping the largest page size."""
    merged: dict[str, ProbeEndpoint] = {}
    for path in _iter_files(root):
        try:
            if path.stat().st_size > _MAX_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "visma" not in text.lower() and "controller/api" not in text.lower() and "/v1/" not in text:
            continue  # cheap pre-filter before the regexes
        label = str(path.relative_to(root)) if root.is_dir() else path.name
        for endpoint in scan_text(text, label):
            merge_into(merged, endpoint)
    return sorted(merged.values(), key=lambda e: e.path.lower())


def merge_into(merged: dict[str, ProbeEndpoint], endpoint: ProbeEndpoint) -> None:
    key = endpoint.path.lower()
    current = merged.get(key)
    if current is None:
        merged[key] = ProbeEndpoint(endpoint.path, endpoint.page_size, endpoint.page_size_source, list(endpoint.sources))
        return
    current.sources.extend(s for s in endpoint.sources if s not in current.sources)
    if endpoint.page_size and (current.page_size is None or endpoint.page_size > current.page_size):
        current.page_size, current.page_size_source = endpoint.page_size, endpoint.page_size_source
