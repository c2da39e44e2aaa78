"""The pieces of the old gateway as they appear in source text, and each piece's own rewrite.

Integrations split `https://integration.visma.net/API/controller/api/v1/customer` anywhere: a base
`https://integration.visma.net/API` in one file and `/controller/api/v1/customer` in another, a
Go struct with `Host: "integration.visma.net"` and `Path: "/API/"`, a PHP `'/API/controller/api'`
between a host and an endpoint. Each piece gets a rewrite of its own that depends only on the
piece: a base loses whatever share of the old prefix it holds and gets the new origin, a path
loses whatever share it holds. Because the shares of one URL add up to the whole prefix, the
pieces' rewrites join to the mapped URL wherever the code cut it; that is what lets a project be
migrated as a whole without proving each join (the joins are proved by running the code in the
tests instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from migrator.needle_lines import needle_lines

NEW_HOST = "api.finance.visma.net"
NEW_ORIGIN = "https://" + NEW_HOST

# What may stand right before a piece that starts a string: a quote, or the end of an
# interpolation (`${base}`, `{base}`, `{{.base}}`) or of a PHP variable in a double-quoted string.
_OPEN = r"(?<=[\"'`}])"
# What may follow a piece that ends a string: a quote, an interpolation, whitespace, markup.
_CLOSE = r"(?=[\"'`{$\s<>,;)\]]|$)"


class Role(str, Enum):
    BASE = "base"  # a URL that ends at or inside the old prefix
    HOST = "host"  # the old host alone (a Host field, a host setting)
    PREFIX = "prefix"  # a path that starts with a share of the old prefix
    API_SEGMENT = "api-segment"  # a literal "/API/" next to a Visma host (Go url.URL Path, OpenAPI basePath)
    API_V = "api-v"  # "api/v1/..." after a base ending in ".../API/controller/"
    RETIRED = "retired"  # a retired VNI endpoint written as a relative path


@dataclass(frozen=True, slots=True)  # slots: the project phase holds every piece of every file
class Piece:
    role: Role
    start: int  # offsets into the text
    end: int
    text: str  # the piece as written
    replacement: str | None  # None: never rewritten (retired endpoints)
    half_migrated: bool = False  # already on the new host, with a share of the old prefix left

    @property
    def changes(self) -> bool:
        return self.replacement is not None and self.replacement != self.text


_BASE_RE = re.compile(
    r"(?P<origin>https?://(?P<host>integration\.visma\.net|api\.finance\.visma\.net))"
    r"(?P<share>/API(?:/service)?(?:/controller(?:/api)?)?)?"
    r"(?P<slash>/?)"
    r"(?![\w.%/-])",
    re.IGNORECASE,
)
_HOST_RE = re.compile(r"(?<=[\"'`=:\s])integration\.visma\.net" + _CLOSE, re.IGNORECASE)
# A run of the old prefix's segments, as code cuts them: `API/controller`, `controller/api`...
_RUN = r"(?:API(?:/service)?(?:/controller(?:/api)?)?|(?:service/)?controller(?:/api)?)"
# A path that starts with the whole rest of the prefix: `/controller/api/v1/x`, `API/controller/api/v1/x`.
_PREFIX_RE = re.compile(_OPEN + r"(?P<lead>/?)(?P<share>(?:API/)?(?:service/)?controller/api)/(?=[\w{$%])", re.IGNORECASE)
# A string that is nothing but a run of segments: `/API/`, `'/API/controller/api'`, `controller/`.
_WHOLE_RE = re.compile(_OPEN + r"(?P<lead>/?)(?P<run>" + _RUN + r"|api)(?P<trail>/?)(?=[\"'`{$])", re.IGNORECASE)
_API_V_RE = re.compile(_OPEN + r"(?P<lead>/?)(?P<share>api/)(?=v\d+\b|background\b)", re.IGNORECASE)
_RETIRED_RE = re.compile(
    r"(?<=[\"'`}/])(?:API/)?(?:resources/v1/(?:event|subscription|context|notification|servicestatus)\b"
    r"|resources/oauth/authorize\b|security/api/v?\d*)",
    re.IGNORECASE,
)
_VISMA_HOST_RE = re.compile(r"(?:integration|api\.finance)\.visma\.net", re.IGNORECASE)


def base_replacement(match: re.Match[str]) -> str:
    """The new base: the new origin, no share of the old prefix, the trailing slash kept."""
    return NEW_ORIGIN + match.group("slash")


# Every piece `find_pieces` finds holds one of these, lower-cased (and so does a Visma host).
_NEEDLES = ("visma.net", "controller", "api", "resources/")
_SEARCHED_WHOLE = 4096  # characters; a shorter text is searched as it is


def find_pieces(text: str, api_v: bool, visma_project: bool = False) -> list[Piece]:
    """Every piece of the old gateway that `text` holds outside complete old URLs.

    `api_v`: the project has a base ending in `/API/controller/`, so `api/v1/...` paths are
    shares of the old prefix (elsewhere they are other APIs' paths and stay alone).
    `visma_project`: the project names a Visma host somewhere, so a string that is only `/API`
    is a share of the old prefix even in a file that names no host."""
    lines = needle_lines(text, None, _NEEDLES) if len(text) > _SEARCHED_WHOLE else None
    if lines is None:
        return _find_pieces(text, api_v, visma_project)
    return [Piece(p.role, lines.source_offset(p.start), lines.source_offset(p.start) + p.end - p.start, p.text, p.replacement,
                  p.half_migrated) for p in _find_pieces(lines.text, api_v, visma_project)]


def _find_pieces(text: str, api_v: bool, visma_project: bool) -> list[Piece]:
    pieces: list[Piece] = []
    for match in _BASE_RE.finditer(text):
        old_host = match.group("host").lower().startswith("integration")
        share = match.group("share")
        if not old_host and not share:
            continue  # already migrated
        if share and share.lower() == "/api/controller/api" and old_host:
            # a complete old base: the URL rules rewrite it; it still belongs to the project's group
            pass
        pieces.append(Piece(Role.BASE, match.start(), match.end(), match.group(0), base_replacement(match), half_migrated=not old_host))
    for match in _HOST_RE.finditer(text):
        pieces.append(Piece(Role.HOST, match.start(), match.end(), match.group(0), NEW_HOST))
    for match in _PREFIX_RE.finditer(text):
        if _inside_complete_url(text, match.start()) or foreign_url_before(text, match.start()):
            continue
        start, end = match.start("share"), match.end()  # the share and its slash go, the lead slash stays
        pieces.append(Piece(Role.PREFIX, start, end, text[start:end], ""))
    visma = visma_project or _VISMA_HOST_RE.search(text) is not None
    for match in _WHOLE_RE.finditer(text):
        run, lead, trail = match.group("run"), match.group("lead"), match.group("trail")
        lone_api = run == "api"  # the prefix's last segment, lower case as Visma writes it
        if lone_api and not api_v:
            continue  # `api` alone is a share only after a base ending in `/API/controller/`
        if not (lead or trail) and run.lower() in ("api", "service"):
            continue  # a bare `api` is too common a word to be a piece
        if not visma or _inside_complete_url(text, match.start()) or foreign_url_before(text, match.start()):
            continue
        # The neighbours keep the one slash the URL needs: a run with slashes on both sides leaves one.
        # A run with no slash at all (`"API"`) leaves two neighbours' slashes that only the join
        # could tell apart: it is reported, never rewritten.
        replacement: str | None = "/" if lead and trail else ("" if lead or trail else None)
        role = Role.API_SEGMENT if run.lower().startswith("api") and not lone_api else Role.PREFIX
        pieces.append(Piece(role, match.start(), match.end(), match.group(0), replacement))
    if api_v:
        for match in _API_V_RE.finditer(text):
            if _inside_complete_url(text, match.start()) or foreign_url_before(text, match.start()):
                continue
            pieces.append(Piece(Role.API_V, match.start("share"), match.end("share"), match.group("share"), ""))
    for match in _RETIRED_RE.finditer(text):
        if _inside_complete_url(text, match.start()):
            continue
        pieces.append(Piece(Role.RETIRED, match.start(), match.end(), match.group(0), None))
    pieces.sort(key=lambda p: (p.start, p.end))
    return _without_overlaps(pieces)


# Cheap byte checks for a string that is only `/API` (files without any other needle).
SEGMENT_NEEDLES = tuple(q1 + body + q2 for body in (b"/api", b"/api/", b"api/", b"api") for q1, q2 in ((b'"', b'"'), (b"'", b"'"))) + (
    b"/controller", b"controller/", b"api/service", b'"controller"', b"'controller'")


def has_segment_needle(lowered: bytes) -> bool:
    return any(needle in lowered for needle in SEGMENT_NEEDLES)


def has_controller_base(text: str) -> bool:
    """Whether `text` holds a Visma base, or a run of prefix segments, ending in `controller`
    (the paths that follow start with `api/`)."""
    lines = needle_lines(text, None, _NEEDLES) if len(text) > _SEARCHED_WHOLE else None
    return _has_controller_base(lines.text if lines is not None else text)


def _has_controller_base(text: str) -> bool:
    for match in _BASE_RE.finditer(text):
        share = (match.group("share") or "").lower()
        if share.endswith("/controller"):
            return True
    return any(m.group("run").lower().endswith("controller") for m in _WHOLE_RE.finditer(text))


def foreign_url_before(text: str, pos: int) -> bool:
    """Whether `pos` continues a URL of another host (`https://example.com/API/controller/api/...`):
    such paths belong to that API, not to Visma's."""
    line_start = text.rfind("\n", 0, pos) + 1
    head = text[line_start:pos]
    matches = list(re.finditer(r"[a-z][a-z0-9+.-]*://(?P<host>[^/\s\"'`]+)", head, re.IGNORECASE))
    if not matches:
        return False
    host = matches[-1].group("host").lower()  # the URL nearest before `pos`
    return not host.endswith(("integration.visma.net", "api.finance.visma.net"))


def _inside_complete_url(text: str, pos: int) -> bool:
    """Whether `pos` lies in a URL that names its own host (the URL rules handle those whole)."""
    line_start = text.rfind("\n", 0, pos) + 1
    head = text[line_start:pos]
    scheme = max(head.rfind("http://"), head.rfind("https://"), head.lower().rfind("http://"), head.lower().rfind("https://"))
    if scheme < 0:
        return False
    between = head[scheme:]
    return not re.search(r"[\s\"'`{}]", between)


def _without_overlaps(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if out and piece.start < out[-1].end:
            continue
        out.append(piece)
    return out
