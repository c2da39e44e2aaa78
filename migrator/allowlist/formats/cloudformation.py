"""CloudFormation (YAML or JSON): `AWS::EC2::SecurityGroup` ingress, `AWS::EC2::SecurityGroupIngress`,
`AWS::WAFv2::IPSet`. Loaded with ruamel.yaml round-trip so short-form tags (`!Ref`, `!GetAtt`)
survive; `!Ref Param` resolves to the parameter's `Default`. Security groups: union of allows,
default deny. The fix copies an existing ingress entry in the file's own style with the new CIDR.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import TaggedScalar

from migrator.allowlist.containment import parse_source
from migrator.allowlist.formats.yaml_source import append_to_seq, load_all
from migrator.allowlist.model import (
    AllowlistRule,
    AuditContext,
    Layer,
    Semantics,
    Source,
    Unresolved,
)
from migrator.allowlist.text_edits import line_end, line_start
from migrator.findings import Edit

NAME = "cloudformation"


def detect(path: Path, text: str) -> bool:
    return path.suffix in (".yaml", ".yml", ".json", ".template") and bool(
        re.search(r"AWS::(EC2::SecurityGroup|WAFv2::IPSet)", text)
    )


def _resolve(value: Any, params: dict[str, Any]) -> Source:
    if isinstance(value, TaggedScalar) or (isinstance(value, dict) and "Ref" in value):
        name = str(value.value if isinstance(value, TaggedScalar) else value["Ref"])
        tag = value.tag.value if isinstance(value, TaggedScalar) else "Ref"
        if tag in ("!Ref", "Ref") and name in params and "Default" in (params[name] or {}):
            return parse_source(str(params[name]["Default"]))
        return Unresolved(f"{tag} {name}", "parameter without default")
    if isinstance(value, (str, int)):
        return parse_source(str(value))
    return Unresolved(str(value), "intrinsic function")


def _port_ok(entry: Any, port: int | None) -> bool:
    if port is None or str(entry.get("IpProtocol", "")) in ("-1", "all"):
        return True
    try:
        return int(entry.get("FromPort")) <= port <= int(entry.get("ToPort"))
    except (TypeError, ValueError):
        return True


def _copy_entry(text: str, seq: Any, index: int, missing: list[str]) -> Edit | None:
    """Duplicate ingress entry `index` once per missing IP, replacing its CidrIp value."""
    item = seq[index]
    first = seq.lc.item(index)[0] + 1
    last = seq.lc.item(index + 1)[0] if index + 1 < len(seq) else None
    if last is None:  # last entry: it ends where the next less-indented line starts
        indent = len(text[line_start(text, first):]) - len(text[line_start(text, first):].lstrip(" "))
        last = first
        lines = text.splitlines()
        while last < len(lines) and lines[last].strip() and len(lines[last]) - len(lines[last].lstrip(" ")) > indent:
            last += 1
    start, end = line_start(text, first), line_end(text, last)
    chunk = text[start:end]
    old = str(item.get("CidrIp"))
    if isinstance(item.get("CidrIp"), TaggedScalar) or old not in chunk:
        return None
    if not chunk.endswith("\n"):
        chunk += "\r\n" if "\r\n" in text else "\n"
    return Edit(end, end, "".join(chunk.replace(old, f"{ip}/32", 1) for ip in missing))


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    for path, text in files:
        try:
            docs = load_all(text)
        except Exception as exc:  # noqa: BLE001
            mark = getattr(exc, "problem_mark", None)
            ctx.problem(path, mark.line + 1 if mark else None, f"YAML/JSON: {getattr(exc, 'problem', exc)}")
            continue
        for doc in docs:
            if isinstance(doc, dict) and isinstance(doc.get("Resources"), dict):
                layers.extend(_template(path, text, doc, ctx.listener.port))
    return layers


def _template(path: Path, text: str, doc: Any, port: int | None) -> list[Layer]:
    params = doc.get("Parameters") or {}
    resources = doc["Resources"]
    groups: dict[str, Layer] = {}
    out: list[Layer] = []
    for name, res in resources.items():
        kind, props = res.get("Type"), res.get("Properties") or {}
        line = resources.lc.key(name)[0] + 1
        if kind == "AWS::EC2::SecurityGroup":
            layer = Layer(path, line, "cloudformation-sg", f"{name} (AWS::EC2::SecurityGroup)", [], Semantics.UNION, "deny")
            seq: Any = props.get("SecurityGroupIngress") or []  # a ruamel CommentedSeq when present
            fixable = None
            for index, entry in enumerate(seq):
                if not isinstance(entry, dict) or not _port_ok(entry, port):
                    continue
                value = entry.get("CidrIp", entry.get("CidrIpv6", entry.get("SourcePrefixListId")))
                if value is None:
                    continue
                layer.rules.append(AllowlistRule("allow", (_resolve(value, params),), seq.lc.item(index)[0] + 1))
                if "CidrIp" in entry and not isinstance(entry["CidrIp"], TaggedScalar):
                    fixable = index
            if fixable is not None:
                layer.fixer = lambda missing, s=seq, i=fixable: [e for e in [_copy_entry(text, s, i, missing)] if e]
            layer.manual = lambda missing: [f"- {{IpProtocol: tcp, FromPort: {port or 443}, ToPort: {port or 443}, CidrIp: {ip}/32}}" for ip in missing]
            groups[name] = layer
            out.append(layer)
        elif kind == "AWS::WAFv2::IPSet":
            addresses = props.get("Addresses") or []
            layer = Layer(path, line, "cloudformation-waf", f"{name} (AWS::WAFv2::IPSet)",
                          [AllowlistRule("allow", tuple(_resolve(a, params) for a in addresses), line)], Semantics.UNION, "deny",
                          notes=["assumed to be the allow list of the web ACL in front of the listener"])
            if path.suffix != ".json" and hasattr(addresses, "lc"):
                layer.fixer = lambda missing, a=addresses: [e for e in [append_to_seq(text, a, [f"{ip}/32" for ip in missing])] if e]
            layer.manual = lambda missing: [f"- {ip}/32" for ip in missing]
            out.append(layer)
    for name, res in resources.items():
        if res.get("Type") != "AWS::EC2::SecurityGroupIngress":
            continue
        props = res.get("Properties") or {}
        if not _port_ok(props, port) or "CidrIp" not in props and "CidrIpv6" not in props:
            continue
        group = props.get("GroupId")
        target = str(group.value).split(".")[0] if isinstance(group, TaggedScalar) else None
        line = resources.lc.key(name)[0] + 1
        rule = AllowlistRule("allow", (_resolve(props.get("CidrIp", props.get("CidrIpv6")), params),), line, text=name)
        if target in groups:
            groups[target].rules.append(rule)
        else:
            out.append(Layer(path, line, "cloudformation-sg", f"{name} (AWS::EC2::SecurityGroupIngress)", [rule], Semantics.UNION, "deny"))
    return [layer for layer in out if layer.rules]
