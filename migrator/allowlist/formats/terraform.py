"""Terraform: AWS security groups (inline `ingress`, `aws_security_group_rule`,
`aws_vpc_security_group_ingress_rule`), AWS WAF v2 IP sets, Azure NSG rules, GCP firewalls.

Parsed with python-hcl2 (syntax only); `var.x` is resolved from `variable` defaults and `*.tfvars`
in the same directory, `for_each = toset(var.x)` with `each.value` is expanded. Line numbers and
fixes come from the text (the resource header, then the attribute inside its braces).
Semantics: security groups and IP sets are a union of allows with default deny; NSG and GCP
firewall rules are first match by ascending priority with default deny.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

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
from migrator.findings import Edit

NAME = "terraform"

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
_TYPES = (
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_wafv2_ip_set",
    "azurerm_network_security_rule",
    "azurerm_network_security_group",
    "google_compute_firewall",
)


def detect(path: Path, text: str) -> bool:
    return path.suffix == ".tf" and any(f'"{t}"' in text for t in _TYPES)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class _Vars:
    """`var.x` defaults and tfvars of one directory."""

    def __init__(self, directory: Path) -> None:
        self.values: dict[str, Any] = {}
        for tf in sorted(directory.glob("*.tf")):
            try:
                doc = hcl2.loads(tf.read_text(encoding="utf-8"), serialization_options=_OPTIONS)
            except Exception:  # noqa: BLE001 - a broken sibling file only loses its defaults
                continue
            for block in doc.get("variable", []):
                for name, body in block.items():
                    if isinstance(body, dict) and "default" in body:
                        self.values[name] = body["default"]
        for tfvars in sorted(directory.glob("*.tfvars")):
            try:
                self.values.update(hcl2.loads(tfvars.read_text(encoding="utf-8"), serialization_options=_OPTIONS))
            except Exception:  # noqa: BLE001 - as above
                continue

    def resolve(self, value: Any) -> list[Any]:
        """Expand `${var.x}` references (to a list when the variable is one); else keep the value."""
        out: list[Any] = []
        for item in _as_list(value):
            if isinstance(item, str):
                match = re.fullmatch(r"\$\{(?:toset\()?var\.(\w+)\)?\}", item)
                if match and match.group(1) in self.values:
                    out.extend(_as_list(self.values[match.group(1)]))
                    continue
            out.append(item)
        return out


def _sources(values: list[Any]) -> tuple[Source, ...]:
    sources: list[Source] = []
    for value in values:
        if isinstance(value, str):
            sources.append(parse_source(value))
        else:
            sources.append(Unresolved(str(value), "not a string"))
    return tuple(sources)


def _port_ok(from_port: Any, to_port: Any, protocol: Any, port: int | None) -> bool:
    if port is None or str(protocol) in ("-1", "all"):
        return True
    try:
        return int(from_port) <= port <= int(to_port)
    except (TypeError, ValueError):
        return True  # unresolved ports: keep the rule, be conservative


def _ports_ok(ranges: list[Any], port: int | None) -> bool:
    if port is None or not ranges:
        return True
    for item in ranges:
        text = str(item)
        if text in ("*", "0-65535"):
            return True
        low, _, high = text.partition("-")
        try:
            if int(low) <= port <= int(high or low):
                return True
        except ValueError:
            return True
    return False


class _Source:
    """Positions inside the file text for one resource."""

    def __init__(self, text: str) -> None:
        self.text = text

    def resource_span(self, rtype: str, name: str, keyword: str = "resource") -> tuple[int, int] | None:
        header = rf'{keyword}\s+"{rtype}"\s+"{re.escape(name)}"' if rtype else rf'{keyword}\s+"{re.escape(name)}"'
        match = re.search(header + r"\s*\{", self.text)
        if not match:
            return None
        depth, index = 1, match.end()
        while index < len(self.text) and depth:
            char = self.text[index]
            if char == '"':  # skip strings (no braces counted inside)
                index = self.text.find('"', index + 1)
                if index < 0:
                    break
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            index += 1
        return match.start(), index

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def list_attr(self, span: tuple[int, int], attr: str, occurrence: int = 0) -> tuple[int, int] | None:
        """(offset of `[`, offset of `]`) of the n-th literal list assigned to `attr` in the span."""
        pattern = re.compile(rf"\b{attr}\s*=\s*\[")
        matches = list(pattern.finditer(self.text, span[0], span[1]))
        if occurrence >= len(matches):
            return None
        open_at = matches[occurrence].end() - 1
        close_at = self.text.find("]", open_at)
        return (open_at, close_at) if close_at > 0 else None

    def append_to_list(self, bounds: tuple[int, int], values: list[str]) -> Edit:
        """Add quoted values at the end of an HCL list literal, single- or multi-line, in its style."""
        open_at, close_at = bounds
        body = self.text[open_at + 1 : close_at]
        quoted = [f'"{v}"' for v in values]
        if "\n" not in body:
            stripped = body.rstrip()
            sep = "" if not stripped.strip() else ("" if stripped.endswith(",") else ", ")
            at = open_at + 1 + len(stripped)
            return Edit(at, at, sep + ", ".join(quoted))
        lines = body.rstrip().split("\n")
        last = lines[-1]
        indent = re.match(r"\s*", last).group(0)  # type: ignore[union-attr]
        nl = "\r\n" if "\r\n" in body else "\n"
        at = open_at + 1 + len(body.rstrip())
        comma = "" if body.rstrip().endswith(",") else ","
        trailing = "," if body.rstrip().endswith(",") else ""
        added = nl.join(f"{indent}{q}," for q in quoted[:-1]) + (nl if len(quoted) > 1 else "")
        return Edit(at, at, f"{comma}{nl}{added}{indent}{quoted[-1]}{trailing}")


def _cidr(ip: str) -> str:
    return f"{ip}/32"


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    port = ctx.listener.port
    varsets: dict[Path, _Vars] = {}
    groups: dict[str, Layer] = {}  # aws SG address -> layer, for standalone rule resources
    pending: list[tuple[Path, str, str, dict[str, Any], _Source]] = []
    for path, text in files:
        try:
            doc = hcl2.loads(text, serialization_options=_OPTIONS)
        except Exception as exc:  # noqa: BLE001 - lark raises many types
            line = getattr(exc, "line", None)
            ctx.problem(path, line if isinstance(line, int) else None, f"HCL syntax: {str(exc).splitlines()[0]}")
            continue
        tvars = varsets.setdefault(path.parent, _Vars(path.parent))
        src = _Source(text)
        for block in doc.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    if rtype in ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
                        pending.append((path, rtype, name, body, src))
                        continue
                    layer = _resource(path, rtype, name, body, src, tvars, port)
                    if layer is not None:
                        layers.append(layer)
                        if rtype == "aws_security_group":
                            groups[f"aws_security_group.{name}"] = layer
    for path, rtype, name, body, src in pending:
        tvars = varsets[path.parent]
        if rtype == "aws_security_group_rule" and body.get("type") != "ingress":
            continue
        protocol = body.get("ip_protocol", body.get("protocol"))
        if not _port_ok(body.get("from_port"), body.get("to_port"), protocol, port):
            continue
        span = src.resource_span(rtype, name)
        line = src.line_of(span[0]) if span else 1
        values = []
        if rtype == "aws_security_group_rule":
            values = tvars.resolve(body.get("cidr_blocks")) + tvars.resolve(body.get("ipv6_cidr_blocks"))
        else:
            cidr = body.get("cidr_ipv4", body.get("cidr_ipv6"))
            each = str(body.get("for_each", ""))
            values = tvars.resolve(each) if cidr == "${each.value}" and "var." in each else _as_list(cidr)
            if body.get("prefix_list_id"):
                values.append(body["prefix_list_id"])
        rule = AllowlistRule("allow", _sources(values), line, text=f'resource "{rtype}" "{name}"')
        target = re.search(r"aws_security_group\.(\w+)", str(body.get("security_group_id", "")))
        layer = groups.get(f"aws_security_group.{target.group(1)}") if target else None
        if layer is None:
            layer = Layer(path, line, "terraform-aws-sg", f"security group {body.get('security_group_id')}", [],
                          Semantics.UNION, "deny")
            groups[str(body.get("security_group_id"))] = layer
            layers.append(layer)
        layer.rules.append(rule)
        var = re.search(r"var\.(\w+)", str(body.get("for_each", "")))
        var_span = src.resource_span("", var.group(1), "variable") if var and rtype.startswith("aws_vpc") else None
        bounds = src.list_attr(var_span, "default") if var_span else None
        if bounds is not None and layer.fixer is None and layer.path == path:
            layer.fixer = lambda missing, b=bounds, s=src: [s.append_to_list(b, [_cidr(ip) for ip in missing])]
        if layer.fixer is None:
            sg = str(body.get("security_group_id", "aws_security_group.<name>.id")).strip("${}")
            layer.manual = lambda missing, sg=sg, p=port: [
                f'resource "aws_vpc_security_group_ingress_rule" "webhook_sender_{ip.replace(".", "_")}" {{\n'
                f"  security_group_id = {sg}\n  cidr_ipv4         = \"{ip}/32\"\n"
                f"  from_port         = {p or 443}\n  to_port           = {p or 443}\n  ip_protocol       = \"tcp\"\n}}"
                for ip in missing
            ]
    for layer in layers:
        if layer.format == "terraform-aws-sg" and not layer.rules and layer.notes:
            layer.forced = None
    return _merge_ordered([layer for layer in layers if layer.rules or layer.sees_proxy])


def _merge_ordered(layers: list[Layer]) -> list[Layer]:
    """NSG rules of one group and GCP firewalls of one network form one ordered layer."""
    merged: dict[tuple[str, str], Layer] = {}
    out: list[Layer] = []
    for layer in layers:
        if layer.format not in ("terraform-azure-nsg", "terraform-gcp-firewall"):
            out.append(layer)
            continue
        key = (layer.format, layer.scope)
        if key not in merged:
            merged[key] = layer
            out.append(layer)
            continue
        into = merged[key]
        into.rules.extend(layer.rules)
        into.rules.sort(key=lambda r: r.order if r.order is not None else 0)
        if into.fixer is None and layer.fixer is not None and layer.path == into.path:
            into.fixer = layer.fixer
    return out


def _resource(path: Path, rtype: str, name: str, body: dict[str, Any], src: _Source, tvars: _Vars,  # noqa: C901 - one branch per resource type
              port: int | None) -> Layer | None:
    span = src.resource_span(rtype, name)
    line = src.line_of(span[0]) if span else 1
    scope = f"{rtype}.{name}"
    if rtype == "aws_security_group":
        layer = Layer(path, line, "terraform-aws-sg", scope, [], Semantics.UNION, "deny")
        only_groups = []
        fixable = None
        for index, ingress in enumerate(_as_list(body.get("ingress"))):
            if not isinstance(ingress, dict):
                continue
            if not _port_ok(ingress.get("from_port"), ingress.get("to_port"), ingress.get("protocol"), port):
                continue
            values = tvars.resolve(ingress.get("cidr_blocks")) + tvars.resolve(ingress.get("ipv6_cidr_blocks"))
            values += _as_list(ingress.get("prefix_list_ids"))
            if not values and (ingress.get("security_groups") or ingress.get("self")):
                only_groups.append(index)
                continue
            layer.rules.append(AllowlistRule("allow", _sources(values), line, text=f"ingress #{index + 1}"))
            if fixable is None and span and isinstance(ingress.get("cidr_blocks"), list):
                fixable = src.list_attr(span, "cidr_blocks", index)
        if not layer.rules and only_groups:
            layer.sees_proxy = ("ingress admits only other security groups (a load balancer): the sender "
                                "allowlist must live on the load balancer's security group or in AWS WAF")
            layer.rules.append(AllowlistRule("allow", (), line))
        if fixable is not None:
            layer.fixer = lambda missing, b=fixable: [src.append_to_list(b, [_cidr(ip) for ip in missing])]
        layer.manual = lambda missing: [f'cidr_blocks = [..., {", ".join(chr(34) + _cidr(ip) + chr(34) for ip in missing)}]']
        return layer
    if rtype == "aws_wafv2_ip_set":
        values = tvars.resolve(body.get("addresses"))
        layer = Layer(path, line, "terraform-aws-waf", scope, [AllowlistRule("allow", _sources(values), line)],
                      Semantics.UNION, "deny", notes=["assumed to be the allow list of the web ACL in front of the listener"])
        bounds = src.list_attr(span, "addresses") if span else None
        if bounds:
            layer.fixer = lambda missing, at=bounds: [src.append_to_list(at, [_cidr(ip) for ip in missing])]
        layer.manual = lambda missing: [f'addresses = [..., {", ".join(chr(34) + _cidr(ip) + chr(34) for ip in missing)}]']
        return layer
    if rtype in ("azurerm_network_security_rule", "azurerm_network_security_group"):
        rules_in = [body] if rtype == "azurerm_network_security_rule" else _as_list(body.get("security_rule"))
        entries = []
        for index, rule in enumerate(rules_in):
            if not isinstance(rule, dict) or str(rule.get("direction", "")).lower() != "inbound":
                continue
            ports = _as_list(rule.get("destination_port_range")) + _as_list(rule.get("destination_port_ranges"))
            if not _ports_ok(ports, port):
                continue
            values = tvars.resolve(rule.get("source_address_prefix")) + tvars.resolve(rule.get("source_address_prefixes"))
            sources = tuple(
                AnySource(v) if str(v).lower() in ("*", "internet", "any") else (
                    Unresolved(v, "service tag") if re.fullmatch(r"[A-Za-z][A-Za-z.]+", str(v)) else s)
                for v, s in zip(values, _sources(values))
            )
            action = "allow" if str(rule.get("access", "")).lower() == "allow" else "deny"
            try:
                priority = int(rule.get("priority", 65000))
            except (TypeError, ValueError):
                priority = 65000
            entries.append((priority, AllowlistRule(action, sources, line, text=f"{rule.get('name', index)} priority {priority}", order=priority), index, rule))
        if not entries:
            return None
        entries.sort(key=lambda item: item[0])
        if rtype == "azurerm_network_security_rule":
            scope = f"NSG {str(body.get('network_security_group_name', '?')).strip('${}')}"
        layer = Layer(path, line, "terraform-azure-nsg", scope, [e[1] for e in entries], Semantics.FIRST_MATCH, "deny")
        first_allow = next((e for e in entries if e[1].action == "allow" and isinstance(e[3].get("source_address_prefixes"), list)), None)
        if first_allow is not None and span:
            occurrence = [i for i, r in enumerate(rules_in) if isinstance(r, dict) and "source_address_prefixes" in r].index(first_allow[2])
            bounds = src.list_attr(span, "source_address_prefixes", occurrence)
            if bounds:
                layer.fixer = lambda missing, at=bounds: [src.append_to_list(at, [_cidr(ip) for ip in missing])]
        layer.manual = lambda missing: [f'source_address_prefixes = [..., {", ".join(chr(34) + _cidr(ip) + chr(34) for ip in missing)}]']
        return layer
    if rtype == "google_compute_firewall":
        if str(body.get("direction", "INGRESS")).upper() != "INGRESS":
            return None
        allow_blocks, deny_blocks = _as_list(body.get("allow")), _as_list(body.get("deny"))
        ports = [p for b in allow_blocks + deny_blocks if isinstance(b, dict) for p in _as_list(b.get("ports"))]
        if ports and not _ports_ok(ports, port):
            return None
        values = tvars.resolve(body.get("source_ranges"))
        action = "deny" if deny_blocks and not allow_blocks else "allow"
        try:
            priority = int(body.get("priority", 1000))
        except (TypeError, ValueError):
            priority = 1000
        scope = f"network {str(body.get('network', 'default')).strip('${}')}"
        rule = AllowlistRule(action, _sources(values), line, text=f"{rtype}.{name} priority {priority}", order=priority)
        layer = Layer(path, line, "terraform-gcp-firewall", scope, [rule],
                      Semantics.FIRST_MATCH, "deny", notes=["GCP ends with an implied deny-all ingress rule"])
        bounds = src.list_attr(span, "source_ranges") if span else None
        if bounds and action == "allow":
            layer.fixer = lambda missing: [src.append_to_list(bounds, [_cidr(ip) for ip in missing])]
        layer.manual = lambda missing: [f'source_ranges = [..., {", ".join(chr(34) + _cidr(ip) + chr(34) for ip in missing)}]']
        return layer
    return None
