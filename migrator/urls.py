"""The URL mapping of the migration, as pure functions over strings (../shared/domain.md section 2).

`https://integration.visma.net/API/controller/api/...` becomes `https://api.finance.visma.net/...`.
Every rewrite is described as *spans* of the old text: a host span that is replaced by the new
origin and a segment span (`/API/controller/api`) that is removed. Describing rewrites as spans
lets the Python engine spread one URL rewrite over several literals (a base and a path joined in
code) and still prove that the joined result is the mapped URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OLD_HOST = "integration.visma.net"
NEW_ORIGIN = "https://api.finance.visma.net"
NEW_BASE = NEW_ORIGIN + "/"

# Hosts that are not part of this move and must never be rewritten.
FOREIGN_VISMA_HOSTS = ("salesorder.visma.net", "journaltx.visma.net", "connect.visma.com")

# The old prefix; the segment (group "segment") disappears. `(?=...)` keeps `/apix` and
# `/API-index` out. Host and `/API/` are matched case-insensitively (domain.md: heuristic).
OLD_URL_RE = re.compile(
    r"(?P<origin>https?://integration\.visma\.net)"
    # A base ending in `controller/api/` joined with `api/v1/...` doubles the `/api`; swallowing it here
    # keeps the mapping idempotent (otherwise the result would read as a partial migration next run).
    r"(?P<segment>/api(?:/service)?/controller/api(?:/api(?=/v\d))?)"
    r"(?=[/?#\"'\s*]|$)",  # `*`: a test double's URL pattern (`.../api*`)
    re.IGNORECASE,
)
# Host swapped, prefix kept ("partially migrated"): all of the prefix that is left goes, never a
# part of it (`/API/controller/` must not become `/controller/`).
PARTIAL_URL_RE = re.compile(
    r"(?P<origin>https://api\.finance\.visma\.net)"
    r"(?P<segment>/api(?:/service)?(?:/controller(?:/api)?)?)"
    r"(?=[/?#\"'\s*]|$)"
    r"(?!/(?:service/)?controller(?![\w-]))"  # stopped before `controller`
    r"(?:(?<=/controller)(?!/api(?![\w-]))|(?<!/controller))"  # stopped between `controller` and `api`
    r"(?!/(?:resources|security)/)",  # retired endpoints have no rewrite: VNI030/VNI031 report them
    re.IGNORECASE,
)
# Swagger UI moved with the host.
OLD_INDEX_RE = re.compile(r"(?P<origin>https?://integration\.visma\.net)(?P<segment>)(?=/API-index\b)", re.IGNORECASE)

# Old endpoints that have no rewrite (the retired-endpoint rule reports them); VNI001 must leave them alone.
RETIRED_RE = re.compile(
    r"https?://integration\.visma\.net/API/(?:resources|security)/", re.IGNORECASE
)

# Any mention of the old host, for findings in comments and for the prefilter.
OLD_HOST_RE = re.compile(r"integration\.visma\.net", re.IGNORECASE)

# A string that *ends inside* the old prefix: a base that code joins with the rest of the prefix.
PARTIAL_BASE_RE = re.compile(
    r"(?P<origin>https?://(?:integration|api\.finance)\.visma\.net)"
    r"(?P<segment>/api(?:/service)?(?:/controller)?(?:/api)?/?|/)?$",
    re.IGNORECASE,
)
# A path that *starts inside* the old prefix: its share of the prefix must go when the base moves.
PREFIX_PATH_RE = re.compile(
    r"^/?(?:api/(?:service/)?controller/api|(?:service/)?controller/api|api)(?=/v\d|/background\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class UrlEdit:
    """Replace text[start:end] with `replacement` (offsets into the analysed string)."""

    start: int
    end: int
    replacement: str
    rule: str  # VNI001 (old host) or VNI003 (partial migration)


def url_edits(text: str) -> list[UrlEdit]:
    """All rewrites the migration makes inside one complete string, as non-overlapping spans."""
    edits: list[UrlEdit] = []
    for match in OLD_URL_RE.finditer(text):
        edits.append(UrlEdit(match.start("origin"), match.end("origin"), NEW_ORIGIN, "VNI001"))
        edits.append(UrlEdit(match.start("segment"), match.end("segment"), "", "VNI001"))
    for match in PARTIAL_URL_RE.finditer(text):
        edits.append(UrlEdit(match.start("segment"), match.end("segment"), "", "VNI003"))
    for match in OLD_INDEX_RE.finditer(text):
        edits.append(UrlEdit(match.start("origin"), match.end("origin"), NEW_ORIGIN, "VNI001"))
    edits.sort(key=lambda e: (e.start, e.end))
    return edits


def apply_url_edits(text: str, edits: list[UrlEdit]) -> str:
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: e.start):
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def migrate_url(text: str) -> str:
    """The mapped form of a complete string (unchanged if nothing in it is an old VNI URL)."""
    return apply_url_edits(text, url_edits(text))


def is_foreign(text: str) -> bool:
    lowered = text.lower()
    return any(host in lowered for host in FOREIGN_VISMA_HOSTS)
