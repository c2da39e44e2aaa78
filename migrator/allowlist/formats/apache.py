"""Apache httpd: `Require ip` (2.4, mod_authz_host) and `Order`/`Allow from`/`Deny from` (2.2 style).

A small line tokenizer (no maintained parser keeps order and line numbers). Semantics: the
`Require` lines of a section form an implicit <RequireAny>; `Require not ip` (inside <RequireAll>)
denies first; once any `Require` applies, unmatched requests are denied. A child <Location> with
its own `Require` replaces the parent's (AuthMerging Off). `Order Deny,Allow` allows by default and
lets Allow override Deny; `Order Allow,Deny` denies by default and lets Deny override Allow.
Partial addresses (`10.1` = 10.1.0.0/16) and `net/netmask` are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from migrator.allowlist.containment import parse_source
from migrator.allowlist.model import (
    AllowlistRule,
    AnySource,
    AuditContext,
    Layer,
    Semantics,
    Source,
    Unresolved,
)
from migrator.allowlist.text_edits import insert_lines_after

NAME = "apache"

_HINT = re.compile(r"^\s*(Require\s+(not\s+)?(ip|host|all|local|forward-dns)\b|Allow\s+from|Deny\s+from)", re.MULTILINE | re.IGNORECASE)
_OPEN = re.compile(r"^\s*<\s*([A-Za-z]+)\s*([^>]*)>")
_CLOSE = re.compile(r"^\s*</\s*([A-Za-z]+)\s*>")
_SCOPING = {"location", "locationmatch", "directory", "directorymatch", "files", "filesmatch", "virtualhost", "if"}


_SOURCE_SUFFIXES = (".py", ".pyi", ".json", ".tf", ".tfvars", ".yaml", ".yml", ".md", ".rst", ".txt")


def detect(path: Path, text: str) -> bool:
    if path.suffix.lower() in _SOURCE_SUFFIXES:  # program source and data formats have their own adapters
        return False
    return bool(_HINT.search(text))


@dataclass
class Section:
    kind: str  # "file", "location", "directory", "virtualhost", ...
    arg: str
    line: int
    directives: list[tuple[int, str, list[str], str]] = field(default_factory=list)  # line, name, args, container


def _sections(text: str) -> list[Section]:
    root = Section("file", "", 1)
    sections = [root]
    stack: list[Section] = [root]
    containers: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index]
        while line.endswith("\\") and index + 1 < len(lines):  # continuation lines
            index += 1
            line = line[:-1] + " " + lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if (closing := _CLOSE.match(stripped)) is not None:
            kind = closing.group(1).lower()
            if kind in _SCOPING and len(stack) > 1:
                stack.pop()
            elif kind.startswith("require") and containers:
                containers.pop()
            continue
        if (opening := _OPEN.match(stripped)) is not None:
            kind = opening.group(1).lower()
            if kind in _SCOPING:
                section = Section(kind, opening.group(2).strip().strip("\"'"), number)
                sections.append(section)
                stack.append(section)
            elif kind.startswith("require"):
                containers.append(kind)
            continue
        words = stripped.split()
        stack[-1].directives.append((number, words[0].lower(), words[1:], containers[-1] if containers else "requireany"))
    return sections


def _require_rules(section: Section) -> tuple[list[AllowlistRule], list[str], int | None]:
    rules: list[AllowlistRule] = []
    notes: list[str] = []
    last_ip_line = None
    for line, name, args, container in section.directives:
        if name != "require" or not args:
            continue
        negated = args[0].lower() == "not"
        words = args[1:] if negated else args
        kind, values = words[0].lower(), words[1:]
        action = "deny" if negated or container == "requirenone" else "allow"
        text = f"Require {' '.join(args)}"
        if kind == "ip":
            rules.append(AllowlistRule(action, tuple(parse_source(v, partial_octets=True) for v in values), line, text=text))
            if action == "allow":
                last_ip_line = line
        elif kind == "all":
            if values and values[0].lower() == "granted":
                rules.append(AllowlistRule(action, (AnySource("all granted"),), line, text=text))
        elif kind == "local":
            rules.append(AllowlistRule(action, (parse_source("127.0.0.0/8"),), line, text=text))
        elif kind in ("host", "forward-dns"):
            rules.append(AllowlistRule(action, tuple(Unresolved(v, "hostname (DNS)") for v in values), line, text=text))
        else:
            notes.append(f"line {line}: `{text}` is not address based; with RequireAny it can admit senders without an IP match")
    return rules, notes, last_ip_line


def _order_rules(section: Section) -> tuple[list[AllowlistRule], str, Semantics, int | None] | None:
    order = "deny,allow"
    allows: list[AllowlistRule] = []
    denies: list[AllowlistRule] = []
    last_allow = None
    for line, name, args, _container in section.directives:
        if name == "order" and args:
            order = "".join(args).lower()
        elif name in ("allow", "deny") and args and args[0].lower() == "from":
            sources: list[Source] = []
            for value in args[1:]:
                if value.lower().startswith("env="):
                    sources.append(Unresolved(value, "environment condition"))
                else:
                    sources.append(parse_source(value, partial_octets=True))
            rule = AllowlistRule(name, tuple(sources), line, text=f"{name.title()} {' '.join(args)}")
            (allows if name == "allow" else denies).append(rule)
            if name == "allow":
                last_allow = line
    if not allows and not denies:
        return None
    if order.startswith("allow"):  # Allow,Deny: deny wins, default deny
        return allows + denies, "deny", Semantics.DENY_OVERRIDES, last_allow
    return allows + denies, "allow", Semantics.FIRST_MATCH, last_allow  # Deny,Allow: allow wins, default allow


def _applies(section: Section, path: str | None) -> bool:
    if path is None or section.kind in ("file", "virtualhost", "directory", "directorymatch", "files", "filesmatch", "if"):
        return True
    if section.kind == "location":
        return path.startswith(section.arg.rstrip("/")) or section.arg == "/"
    try:
        return re.search(section.arg, path) is not None
    except re.error:
        return False


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    path_wanted = ctx.listener.path
    for path, text in files:
        sections = [s for s in _sections(text) if _applies(s, path_wanted)]
        # a <Location> with its own Require replaces the outer ones: keep only the most specific
        locs = [s for s in sections if s.kind in ("location", "locationmatch") and _require_rules(s)[0]]
        if path_wanted is not None and locs:
            best = max(locs, key=lambda s: len(s.arg))
            sections = [s for s in sections if s.kind not in ("location", "locationmatch", "virtualhost", "file") or s is best]
        for section in sections:
            scope = f"<{section.kind} {section.arg}>" if section.kind != "file" else "file"
            rules, notes, last_ip = _require_rules(section)
            if rules:
                layer = Layer(path, rules[0].line, NAME, scope, rules, Semantics.DENY_OVERRIDES, "deny", notes=notes)
                if last_ip is not None:
                    layer.fixer = lambda missing, t=text, n=last_ip: [insert_lines_after(t, n, ["Require ip " + " ".join(missing)])]
                layer.manual = lambda missing: ["Require ip " + " ".join(missing)]
                layers.append(layer)
            order = _order_rules(section)
            if order is not None:
                rules, default, semantics, last_allow = order
                layer = Layer(path, rules[0].line, "apache-access-compat", scope, rules, semantics, default)
                if last_allow is not None:
                    layer.fixer = lambda missing, t=text, n=last_allow: [insert_lines_after(t, n, ["Allow from " + " ".join(missing)])]
                layer.manual = lambda missing: ["Allow from " + " ".join(missing)]
                layers.append(layer)
    return layers
