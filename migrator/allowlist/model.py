"""The common model every format adapter produces: rules grouped into layers, plus verdicts.

A *layer* is one enforcement point in front of the webhook listener (an nginx location, a security
group, a NetworkPolicy...). Adapters turn their format into layers of `AllowlistRule`s and say which
evaluation semantics apply; `evaluate.py` decides the verdict with one engine for all formats.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from migrator.allowlist.listener import Listener
from migrator.findings import Edit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Verdict(str, Enum):
    ALLOWS = "ALLOWS"
    BLOCKS = "BLOCKS"
    PARTIAL = "PARTIAL"
    NOT_RESTRICTING = "NOT_RESTRICTING"
    UNKNOWN = "UNKNOWN"
    SEES_PROXY_IP = "SEES_PROXY_IP"


class Semantics(str, Enum):
    """How a layer combines its rules."""

    FIRST_MATCH = "first-match"  # nginx, IIS, HAProxy, iptables, NSG/GCP by priority
    UNION = "union"  # AWS SG, NetworkPolicy, annotations, app lists: allowed if any allow matches
    DENY_OVERRIDES = "deny-overrides"  # Istio, Apache Order Allow,Deny / RequireAll-not
    LONGEST_PREFIX = "longest-prefix"  # nginx geo


@dataclass(frozen=True)
class AnySource:
    """`all`, `*`, `any`, `0.0.0.0/0`-like wildcard tokens."""

    token: str = "all"


@dataclass(frozen=True)
class Unresolved:
    """A source the tool cannot decide statically: variable, hostname, template, missing file."""

    text: str
    why: str = "unresolved"


Source = ipaddress.IPv4Network | ipaddress.IPv6Network | AnySource | Unresolved


@dataclass
class AllowlistRule:
    action: str  # "allow" | "deny"
    sources: tuple[Source, ...]
    line: int
    excepts: tuple[Network, ...] = ()  # NetworkPolicy ipBlock.except
    negated: bool = False  # iptables `! -s`, HAProxy `!acl`: rule matches addresses NOT in sources
    text: str = ""  # the source line, for details
    order: int | None = None  # priority for formats ordered by number (NSG, GCP); lower first


@dataclass
class Layer:
    """One enforcement point. `verdict`, `missing`, `detail` are filled by `evaluate.evaluate_layer`."""

    path: Path
    line: int
    format: str
    scope: str
    rules: list[AllowlistRule] = field(default_factory=list)
    semantics: Semantics = Semantics.FIRST_MATCH
    default: str = "allow"  # action when no rule matches
    mapped_matches_v4: bool = False  # does an entry ::ffff:a.b.c.d match IPv4 peer a.b.c.d?
    sees_proxy: str | None = None  # why the compared address is a proxy's, if it is
    forced: Verdict | None = None  # adapter already knows (e.g. rules bypassed)
    notes: list[str] = field(default_factory=list)
    verdict: Verdict = Verdict.UNKNOWN
    missing: list[str] = field(default_factory=list)
    detail: str = ""
    edits: list[Edit] = field(default_factory=list)
    manual_lines: list[str] = field(default_factory=list)  # exact lines to add when no safe edit
    # set by adapters: given the missing sender IPs, produce safe edits / the lines a person must add
    fixer: Callable[[list[str]], list[Edit]] | None = field(default=None, repr=False)
    manual: Callable[[list[str]], list[str]] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "line": self.line,
            "format": self.format,
            "scope": self.scope,
            "verdict": self.verdict.value,
            "missing": list(self.missing),
            "detail": self.detail,
        }


@dataclass
class AuditResult:
    layers: list[Layer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "path:line: message" for unreadable inputs
    listener: str = ""  # description of the listener scope used
    texts: dict[Path, str] = field(default_factory=dict)  # decoded text of every file read (resolved path)
    encodings: dict[Path, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "listener": self.listener,
            "layers": [layer.to_json() for layer in self.layers],
            "problems": list(self.problems),
        }


@dataclass
class AuditContext:
    """What every adapter gets besides its files: the listener scope and a place to report problems."""

    listener: Listener
    problems: list[str] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)  # keyed by resolved path
    encodings: dict[Path, str] = field(default_factory=dict)

    def read(self, path: Path) -> str | None:
        """Decoded text, newlines untouched (offsets of edits refer to it); None if unreadable."""
        key = path.resolve()
        if key not in self.texts:
            try:
                data = key.read_bytes()
            except OSError:
                return None
            try:
                self.texts[key], self.encodings[key] = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                self.texts[key], self.encodings[key] = data.decode("latin-1"), "latin-1"
        return self.texts[key]

    def problem(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        self.problems.append(f"{where}: {message}")
