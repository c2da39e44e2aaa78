"""IIS `<ipSecurity>` in `web.config` / `applicationHost.config` (system.webServer/security/ipSecurity).

Parsed with `defusedxml.sax` (no DTDs, no entity expansion) because the SAX locator gives the line of
every element, which `defusedxml.ElementTree` does not; edits stay line-based on the original text.

Semantics: entries are matched in order, the first match decides (`allowed` defaults to false, a
missing `subnetMask` means one address); unmatched requests get `allowUnlisted` (default **true**,
so a list of allowed entries alone restricts nothing). A `<location path="...">` inherits the
configuration above it: its own `<ipSecurity>` entries are appended to the inherited ones unless it
starts with `<clear/>`, `<remove ipAddress=...>` drops one, and attributes it sets replace the
inherited ones. With a listener path, the most specific location that applies is audited; without
one, every scope with its own `<ipSecurity>` is.
"""

from __future__ import annotations

import re
import xml.sax.handler
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.sax  # type: ignore[import-untyped]

from migrator.allowlist.containment import parse_source
from migrator.allowlist.model import (
    AllowlistRule,
    AuditContext,
    Layer,
    Semantics,
    Unresolved,
)
from migrator.allowlist.text_edits import insert_lines_after

NAME = "iis"

_ADD_LINE = re.compile(r"^\s*<add\s[^<>]*/>\s*$")
_CLEAR_LINE = re.compile(r"^\s*<clear\s*/>\s*$")


def detect(path: Path, text: str) -> bool:
    return (path.suffix.lower() == ".config" or path.name.lower() == "web.config") and "<ipsecurity" in text.lower()


@dataclass
class Entry:
    kind: str  # "add" | "remove" | "clear"
    attrs: dict[str, str]
    line: int


@dataclass
class IpSecurity:
    line: int
    attrs: dict[str, str]
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Scope:
    path: str  # "" for the file's root <system.webServer>
    line: int
    blocks: list[IpSecurity] = field(default_factory=list)


class _Handler(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.locator: xml.sax.xmlreader.Locator | None = None
        self.stack: list[str] = []
        self.scopes: list[Scope] = [Scope("", 1)]
        self.current: list[Scope] = [self.scopes[0]]
        self.block: IpSecurity | None = None

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:
        self.locator = locator

    def _line(self) -> int:
        return int(self.locator.getLineNumber() or 0) if self.locator is not None else 0

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:
        values = {k: attrs[k] for k in attrs.getNames()}
        if name == "location":
            scope = Scope(values.get("path", "").strip().strip("/"), self._line())
            self.scopes.append(scope)
            self.current.append(scope)
        elif name == "ipSecurity" and self.stack[-2:] == ["system.webServer", "security"]:
            self.block = IpSecurity(self._line(), values)
            self.current[-1].blocks.append(self.block)
        elif self.block is not None and self.stack and self.stack[-1] == "ipSecurity" and name in ("add", "remove", "clear"):
            self.block.entries.append(Entry(name, values, self._line()))
        self.stack.append(name)

    def endElement(self, name: str) -> None:
        self.stack.pop()
        if name == "location" and len(self.current) > 1:
            self.current.pop()
        elif name == "ipSecurity":
            self.block = None


def _scopes(text: str) -> list[Scope]:
    handler = _Handler()
    body = re.sub(r"^\ufeff", "", text)
    body = re.sub(r"^(<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']", r"\1", body)  # the text is already decoded
    defusedxml.sax.parseString(body.encode("utf-8"), handler)
    return handler.scopes


def _applies(scope: Scope, wanted: str | None) -> bool:
    if not scope.path or wanted is None:
        return True
    want = [s for s in wanted.strip("/").lower().split("/") if s]
    segments = [s for s in scope.path.lower().split("/") if s]
    return want[: len(segments)] == segments or (len(segments) > 1 and want[: len(segments) - 1] == segments[1:])


def _source(entry: Entry) -> object:
    address = entry.attrs.get("ipAddress", "").strip()
    if not address:
        domain = entry.attrs.get("domainName", "").strip()
        return Unresolved(domain or "<add> without ipAddress", "domain name (reverse DNS)")
    mask = entry.attrs.get("subnetMask", "").strip()
    return parse_source(f"{address}/{mask}" if mask else address)


def _entry_key(entry: Entry) -> tuple[str, str, str]:
    a = entry.attrs
    return (a.get("ipAddress", "").strip(), a.get("subnetMask", "").strip(), a.get("domainName", "").strip().lower())


def _effective(chain: list[IpSecurity]) -> tuple[list[Entry], dict[str, str]]:
    entries: list[Entry] = []
    attrs: dict[str, str] = {}
    for block in chain:
        attrs.update(block.attrs)
        for entry in block.entries:
            if entry.kind == "clear":
                entries = []
            elif entry.kind == "remove":
                entries = [e for e in entries if _entry_key(e)[:2] != _entry_key(entry)[:2]]
            else:
                entries.append(entry)
    return entries, attrs


def _layer(path: Path, text: str, scope: Scope, chain: list[IpSecurity]) -> Layer:
    entries, attrs = _effective(chain)
    rules = []
    for entry in entries:
        allowed = entry.attrs.get("allowed", "false").strip().lower() == "true"
        shown = " ".join(f'{k}="{v}"' for k, v in entry.attrs.items())
        rules.append(AllowlistRule("allow" if allowed else "deny", (_source(entry),), entry.line, text=f"<add {shown} />"))  # type: ignore[arg-type]
    unlisted = attrs.get("allowUnlisted", "true").strip().lower() != "false"
    own = chain[-1]
    label = f'<location path="{scope.path}"> ipSecurity' if scope.path else "ipSecurity"
    layer = Layer(path, own.line, NAME, label, rules, Semantics.FIRST_MATCH, "allow" if unlisted else "deny")
    if unlisted and rules and all(r.action == "allow" for r in rules):
        layer.notes.append('allowUnlisted is "true" (the default), so addresses outside the list are allowed anyway')
    if attrs.get("enableProxyMode", "").strip().lower() == "true":
        layer.notes.append("enableProxyMode=true: X-Forwarded-For addresses are checked against the same list")
    if len(chain) > 1 and not any(e.kind == "clear" for e in own.entries):
        layer.notes.append("entries inherited from line(s) " + ", ".join(str(b.line) for b in chain[:-1]))
    lines = text.splitlines()

    def fixer(missing: list[str]) -> list:
        if unlisted:
            raise ValueError("allowUnlisted is true: nothing to add to")
        from migrator.allowlist.evaluate import decide
        from migrator.allowlist.senders import SENDERS

        if any(decide(layer, ip).rule is not None for ip in SENDERS if str(ip) in missing):
            raise ValueError("an explicit deny entry matches first; an appended allow would not help")
        anchors = [e.line for e in own.entries if e.kind == "add"] or [e.line for e in own.entries if e.kind == "clear"]
        if not anchors:
            raise ValueError("no entry line to insert after")
        anchor = max(anchors)
        pattern = _ADD_LINE if any(e.kind == "add" for e in own.entries) else _CLEAR_LINE
        if not (0 < anchor <= len(lines) and pattern.match(lines[anchor - 1])):
            raise ValueError("the anchor entry does not stand alone on its line")
        close = "/>" if lines[anchor - 1].rstrip().endswith('"/>') else " />"
        return [insert_lines_after(text, anchor, [f'<add ipAddress="{ip}" allowed="true"{close}' for ip in missing])]

    def manual(missing: list[str]) -> list[str]:
        adds = [f'<add ipAddress="{ip}" allowed="true" />' for ip in missing]
        if unlisted and not any(r.action == "deny" for r in rules):
            return [f'<ipSecurity allowUnlisted="false"> (line {own.line}) with:'] + adds
        return adds

    layer.fixer = fixer
    layer.manual = manual
    return layer


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    wanted = ctx.listener.path
    for path, text in files:
        try:
            scopes = _scopes(text)
        except Exception as exc:  # noqa: BLE001 - SAXParseException, defusedxml's forbidden DTD/entities
            ctx.problem(path, None, f"IIS configuration not parsed: {type(exc).__name__}: {exc}")
            continue
        root = scopes[0]
        locations = sorted((s for s in scopes[1:] if s.blocks), key=lambda s: len(s.path))
        if wanted is not None:
            chain_scopes = [root] + [s for s in locations if _applies(s, wanted)]
            chain_scopes = [s for s in chain_scopes if s.blocks]
            if chain_scopes:
                chain = [b for s in chain_scopes for b in s.blocks]
                layers.append(_layer(path, text, chain_scopes[-1], chain))
            continue
        for scope in [root] + locations:
            if not scope.blocks:
                continue
            parents = [root] + [s for s in locations if s is not scope and _applies(s, scope.path) and len(s.path) < len(scope.path)]
            chain = [b for s in parents if s is not scope for b in s.blocks] + scope.blocks
            layers.append(_layer(path, text, scope, chain))
    return layers
