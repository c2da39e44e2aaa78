"""nginx: `allow`/`deny` (access module), `geo` gates, `real_ip`, `include` — parsed with crossplane.

Semantics (ngx_http_access_module.c): rules are checked in order, first match wins, and when no rule
matches the request is *allowed*. A block that has any allow/deny replaces its parent's rules
entirely. `return` runs in the rewrite phase, before the access phase, so a location that returns
never reaches its allow/deny rules. IPv4 peers are not matched by IPv4-mapped IPv6 entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import crossplane

from migrator.allowlist.containment import parse_source, parse_sources
from migrator.allowlist.evaluate import decide
from migrator.allowlist.model import (
    AllowlistRule,
    AuditContext,
    Layer,
    Semantics,
    Unresolved,
)
from migrator.allowlist.senders import SENDERS
from migrator.allowlist.text_edits import insert_lines_after, insert_lines_before
from migrator.findings import Edit

NAME = "nginx"

_APACHE_HINT = re.compile(r"^\s*(<(VirtualHost|Location|Directory|Files|Require|IfModule)\b|Require\s|Order\s|Allow\s+from)", re.MULTILINE | re.IGNORECASE)
_NGINX_HINT = re.compile(r"^\s*(allow|deny)\s+[^;\n]+;|^\s*geo\s|^\s*location\s|^\s*server\s*\{", re.MULTILINE)


_SOURCE_SUFFIXES = (".py", ".pyi", ".json", ".tf", ".tfvars", ".yaml", ".yml", ".md", ".rst", ".txt")


def detect(path: Path, text: str) -> bool:
    if path.suffix.lower() in _SOURCE_SUFFIXES:  # program source and data formats have their own adapters
        return False
    return bool(_NGINX_HINT.search(text)) and not _APACHE_HINT.search(text)


@dataclass
class Node:
    directive: str
    args: list[str]
    line: int
    file: Path
    block: list[Node] | None = None
    missing_include: bool = False
    parent: Node | None = field(default=None, repr=False)


def _build(config: list[dict], index: int, missing: set[tuple[str, int]], seen: tuple[int, ...] = ()) -> list[Node]:
    entry = config[index]
    file = Path(entry["file"]).resolve()

    def convert(items: list[dict]) -> list[Node]:
        nodes: list[Node] = []
        for item in items:
            if item["directive"] == "include" and "includes" in item:
                if not item["includes"] and (str(file), item["line"]) in missing:
                    nodes.append(Node("include", item["args"], item["line"], file, missing_include=True))
                for idx in item["includes"]:
                    if idx not in seen:  # bound include cycles
                        nodes.extend(_build(config, idx, missing, seen + (index,)))
                continue
            block = convert(item["block"]) if "block" in item else None
            node = Node(item["directive"], item.get("args", []), item["line"], file, block)
            for child in block or []:
                child.parent = node
            nodes.append(node)
        return nodes

    return convert(entry.get("parsed", []))


def _children(nodes: list[Node], name: str) -> list[Node]:
    return [n for n in nodes if n.directive == name]


def _listen_ports(server: Node) -> set[int]:
    ports: set[int] = set()
    for listen in _children(server.block or [], "listen"):
        address = listen.args[0] if listen.args else "80"
        match = re.search(r"(\d+)$", address)
        if match and not address.startswith("unix:"):
            ports.add(int(match.group(1)))
        elif ":" not in address and not address.isdigit():
            ports.add(80)
    return ports or {80}


def _location_matches(loc: Node, path: str) -> tuple[str, int] | None:
    """('exact'|'prefix'|'prefix^~'|'regex', length) when the location matches `path`."""
    args = loc.args
    if not args or args[0].startswith("@"):
        return None
    if args[0] == "=" and len(args) > 1:
        return ("exact", len(args[1])) if path == args[1] else None
    if args[0] in ("~", "~*") and len(args) > 1:
        flags = re.IGNORECASE if args[0] == "~*" else 0
        try:
            return ("regex", 0) if re.search(args[1], path, flags) else None
        except re.error:
            return None
    if args[0] == "^~" and len(args) > 1:
        return ("prefix^~", len(args[1])) if path.startswith(args[1]) else None
    return ("prefix", len(args[0])) if path.startswith(args[0]) else None


def _choose_location(nodes: list[Node], path: str) -> Node | None:
    """nginx's location selection: exact, longest prefix (^~ stops), first regex, else longest prefix."""
    best: tuple[int, Node, str] | None = None
    regexes: list[Node] = []
    for loc in _children(nodes, "location"):
        hit = _location_matches(loc, path)
        if hit is None:
            continue
        kind, length = hit
        if kind == "exact":
            return loc
        if kind == "regex":
            regexes.append(loc)
        elif best is None or length > best[0]:
            best = (length, loc, kind)
    if best is not None:
        nested = _choose_location(best[1].block or [], path)
        if nested is not None:
            return nested
        if best[2] == "prefix^~":
            return best[1]
    if regexes:
        return regexes[0]
    return best[1] if best else None


def _chain(node: Node) -> list[Node]:
    """node, its parent, ... up to the top of the file tree."""
    out: list[Node] = []
    cursor: Node | None = node
    while cursor is not None:
        out.append(cursor)
        cursor = cursor.parent
    return out


def _access_rules(block_nodes: list[Node]) -> list[Node]:
    """allow/deny directives, plus includes that could not be read (they may hold more rules)."""
    rules = [n for n in block_nodes if n.directive in ("allow", "deny") or n.missing_include]
    return rules if any(n.directive in ("allow", "deny") for n in rules) else []


def _to_rule(node: Node) -> AllowlistRule:
    arg = node.args[0] if node.args else ""
    if node.missing_include:
        return AllowlistRule("allow", (Unresolved(f"include {arg}", "file not found"),), node.line, text=f"include {arg};")
    sources = [parse_source(arg)] if not arg.startswith("unix:") else []
    return AllowlistRule(node.directive, tuple(sources), node.line, text=f"{node.directive} {arg};")


class _Tree:
    def __init__(self, top: list[Node], ctx: AuditContext, texts: _Texts) -> None:
        self.ctx = ctx
        self.texts = texts
        https = _children(top, "http")
        self.http_nodes = https[0].block or [] if https else top
        self.http = https[0] if https else None
        self.geos: dict[str, Node] = {}
        for geo in _children(self.http_nodes, "geo"):
            if geo.args:
                self.geos[geo.args[-1]] = geo

    def layers(self) -> list[Layer]:
        listener = self.ctx.listener
        layers: list[Layer] = []
        for server in _children(self.http_nodes, "server"):
            nodes = server.block or []
            ports = _listen_ports(server)
            if listener.port is not None and listener.port not in ports:
                continue
            names = [a for n in _children(nodes, "server_name") for a in n.args]
            if listener.host and names and not any(_host_matches(n, listener.host) for n in names):
                continue
            label = f"server {names[0] if names else '_'}:{'/'.join(str(p) for p in sorted(ports))}"
            if listener.path is not None:
                chosen = _choose_location(nodes, listener.path) or server
                targets = [chosen]
            else:  # listener unknown: every block that restricts is reported
                targets = [server] + _all_locations(nodes)
            for target in targets:
                layers.extend(self._layers_for(target, server, label, explicit_only=listener.path is None))
        return layers

    def _layers_for(self, target: Node, server: Node, label: str, explicit_only: bool) -> list[Layer]:
        chain = _chain(target)
        scope = label + (f" location {' '.join(target.args)}" if target.directive == "location" else "")
        out: list[Layer] = []
        owner = next((b for b in chain if _access_rules(b.block or [])), None)
        if owner is not None and (not explicit_only or owner is target):
            out.append(self._access_layer(target, owner, server, scope))
        for gate in self._geo_gates(chain, explicit_only, target):
            out.append(self._geo_layer(gate, target, server, scope))
        return out

    # ---------- access module ----------
    def _access_layer(self, target: Node, owner: Node, server: Node, scope: str) -> Layer:
        nodes = _access_rules(owner.block or [])
        rules = [_to_rule(n) for n in nodes]
        file = nodes[0].file
        layer = Layer(file, nodes[0].line, NAME, scope, rules, Semantics.FIRST_MATCH, "allow")
        if owner is not target:
            where = "http" if owner.directive == "http" else f"{owner.directive} {' '.join(owner.args)}".strip()
            layer.notes.append(f"rules inherited from {where} (line {owner.line}); the location has none of its own")
        returns = [n for n in (target.block or []) if n.directive == "return"]
        if returns:
            from migrator.allowlist.model import Verdict

            layer.forced = Verdict.NOT_RESTRICTING
            layer.notes.insert(
                0,
                f"`return` at line {returns[0].line} runs in the rewrite phase, before allow/deny are checked, "
                "so these rules never apply",
            )
        self._real_ip(layer, target, server)
        text = self.texts.get(file)
        if text is not None and all(n.file == file for n in nodes):
            layer.fixer = lambda missing, layer=layer, text=text, nodes=nodes: _access_fix(layer, text, nodes, missing)
        layer.manual = lambda missing: [f"allow {ip};" for ip in missing]
        return layer

    def _real_ip(self, layer: Layer, target: Node, server: Node) -> None:
        chain = _chain(target)
        header = next(
            (n.args[0] for b in chain for n in (b.block or []) if n.directive == "real_ip_header" and n.args), None
        )
        if header is None and self.http is not None:
            header = next((n.args[0] for n in self.http.block or [] if n.directive == "real_ip_header"), None)
        proxied = [n for n in _children(server.block or [], "listen") if "proxy_protocol" in n.args]
        if proxied and (header or "").lower() != "proxy_protocol":
            layer.sees_proxy = (
                f"listen at line {proxied[0].line} accepts PROXY protocol but no `real_ip_header proxy_protocol` "
                "applies: allow/deny compare the proxy's address, not the sender's"
            )

    # ---------- geo gates ----------
    def _geo_gates(self, chain: list[Node], explicit_only: bool, target: Node) -> list[tuple[Node, Node, str, str]]:
        """(if-node, geo-node, operator, value) for `if ($geo_var <op> value) { return 4xx; }` gates."""
        gates = []
        blocks = [target] if explicit_only else chain
        for block in blocks:
            for node in block.block or []:
                if node.directive != "if" or not node.args:
                    continue
                denies = any(
                    n.directive == "return" and n.args and n.args[0].isdigit() and int(n.args[0]) >= 400
                    for n in node.block or []
                )
                var = node.args[0].lstrip("!")
                if not denies or var not in self.geos:
                    continue
                if len(node.args) == 3 and node.args[1] in ("=", "!="):
                    gates.append((node, self.geos[var], node.args[1], node.args[2].strip("\"'")))
                elif len(node.args) == 1:
                    gates.append((node, self.geos[var], "falsy" if node.args[0].startswith("!") else "truthy", ""))
        return gates

    def _geo_layer(self, gate: tuple[Node, Node, str, str], target: Node, server: Node, scope: str) -> Layer:
        if_node, geo, op, value = gate

        def denies(v: str) -> bool:
            v = v.strip("\"'")
            if op == "=":
                return v == value
            if op == "!=":
                return v != value
            truthy = v not in ("", "0")
            return truthy if op == "truthy" else not truthy

        default = ""
        rules: list[AllowlistRule] = []
        ranges = False
        entries = list(geo.block or [])
        for node in entries:
            if node.directive == "ranges":
                ranges = True
            elif node.directive == "default":
                default = node.args[0] if node.args else ""
            elif node.directive in ("proxy", "proxy_recursive", "delete", "hostnames"):
                continue
            elif node.missing_include:
                rules.append(AllowlistRule("allow", (Unresolved(f"include {' '.join(node.args)}", "missing file"),), node.line))
            elif node.args:
                sources = parse_sources(node.directive) if ranges else [parse_source(node.directive)]
                action = "deny" if denies(node.args[0]) else "allow"
                rules.append(AllowlistRule(action, tuple(sources), node.line, text=f"{node.directive} {node.args[0]};"))
        geo_var = geo.args[-1]
        layer = Layer(
            if_node.file,
            if_node.line,
            "nginx-geo",
            f"{scope} if ({' '.join(if_node.args)}) via geo {geo_var} (line {geo.line})",
            rules,
            Semantics.LONGEST_PREFIX,
            "deny" if denies(default) else "allow",
        )
        if len(geo.args) > 1 and geo.args[0] != "$remote_addr":
            layer.notes.append(f"geo compares {geo.args[0]}, not the peer address")
        self._real_ip(layer, target, server)
        allowed_values = [n.args[0] for n in entries if n.args and n.directive not in ("default", "proxy", "include") and not denies(n.args[0])]
        text = self.texts.get(geo.file)
        last = max((n for n in entries if n.file == geo.file), key=lambda n: n.line, default=None)
        if text is not None and last is not None and allowed_values and not ranges:
            value = allowed_values[0]
            layer.path, layer.line = geo.file, geo.line
            layer.fixer = lambda missing: [insert_lines_after(text, last.line, [f"{ip} {value};" for ip in missing])]
        good = allowed_values[0] if allowed_values else "<a value your `if` accepts>"
        layer.manual = lambda missing: [f"{ip} {good};" for ip in missing]
        return layer


def _host_matches(name: str, host: str) -> bool:
    if name in ("_", "", "default_server") or name.startswith("~"):
        return True
    if name.startswith("*."):
        return host.endswith(name[1:])
    if name.startswith("."):
        return host == name[1:] or host.endswith(name)
    return name.lower() == host


def _all_locations(nodes: list[Node]) -> list[Node]:
    out = []
    for loc in _children(nodes, "location"):
        out.append(loc)
        out.extend(_all_locations(loc.block or []))
    return out


def _access_fix(layer: Layer, text: str, nodes: list[Node], missing: list[str]) -> list[Edit]:
    """Insert `allow IP;` lines just before the first rule that denies a missing sender."""
    lines = []
    for ip in SENDERS:
        if str(ip) in missing:
            outcome = decide(layer, ip)
            if outcome.rule is not None:
                lines.append(outcome.rule.line)
    if not lines:
        return [insert_lines_after(text, nodes[-1].line, [f"allow {ip};" for ip in missing])]
    return [insert_lines_before(text, min(lines), [f"allow {ip};" for ip in missing])]


class _Texts:
    """Decoded text of any file a rule came from (included files are not always candidates)."""

    def __init__(self, ctx: AuditContext) -> None:
        self.ctx = ctx

    def get(self, path: Path) -> str | None:
        return self.ctx.read(path)


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    texts = _Texts(ctx)
    parsed: dict[Path, dict] = {}
    included: set[Path] = set()
    for path, _text in files:
        result = crossplane.parse(str(path), check_ctx=False, check_args=False, comments=False)
        parsed[path.resolve()] = result
        for entry in result["config"][1:]:
            included.add(Path(entry["file"]).resolve())
        for error in result["errors"]:
            if "No such file" not in error.get("error", "") and Path(error["file"]).resolve() == path.resolve():
                ctx.problem(path, error.get("line"), f"nginx syntax: {error['error'].split(' in ')[0]}")
    layers: list[Layer] = []
    for path, result in parsed.items():
        if path in included:
            continue
        missing = {(str(Path(e["file"]).resolve()), e["line"]) for e in result["errors"] if "No such file" in e.get("error", "")}
        top = _build(result["config"], 0, missing)
        layers.extend(_Tree(top, ctx, texts).layers())
    shown = {path.resolve(): path for path, _text in files}
    for layer in layers:
        layer.path = shown.get(layer.path, layer.path)
    return layers
