"""Application allowlists: Python lists/sets/tuples of IPs assigned to allowlist-like names, and
env values (`.env`, `*.env`) such as `ALLOWED_WEBHOOK_IPS=a,b`. Union of allows, default deny.

Excluded false friends: ALLOWED_HOSTS (Host header), INTERNAL_IPS (debug toolbar), CORS settings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from migrator.allowlist.containment import parse_source
from migrator.allowlist.model import AllowlistRule, AuditContext, Layer, Semantics
from migrator.allowlist.text_edits import line_start
from migrator.findings import Edit

NAME = "python"

_NAME = re.compile(r"(?i)(allow|white|trust|permit|safe|webhook)\w*(ip|cidr|net|addr|range|sender)s?\b")
_FALSE_FRIENDS = re.compile(r"(?i)allowed_hosts|internal_ips|cors|trusted_hosts|proxies|proxy")
_IPISH = re.compile(r"^\s*[\d.:/a-fA-F]+\s*$")


def detect(path: Path, text: str) -> bool:
    return bool(_NAME.search(text)) and (path.suffix == ".py" or ".env" in path.name or path.name.endswith(".env"))


def _wanted(name: str) -> bool:
    return bool(_NAME.search(name)) and not _FALSE_FRIENDS.search(name)


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    for path, text in files:
        layers.extend(_python(path, text, ctx) if path.suffix == ".py" else _env(path, text))
    return layers


def _env(path: Path, text: str) -> list[Layer]:
    layers = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(['\"]?)([^'\"#\n]*)\2", line)
        if not match or not _wanted(match.group(1)):
            continue
        values = [v for v in re.split(r"[,\s]+", match.group(3)) if v]
        if not values or not all(_IPISH.match(v) for v in values):
            continue
        rule = AllowlistRule("allow", tuple(parse_source(v) for v in values), number, text=match.group(1))
        layer = Layer(path, number, "env", match.group(1), [rule], Semantics.UNION, "deny",
                      notes=["application-level check: it sees the proxy's address unless the app trusts X-Forwarded-For"])
        sep = "," if "," in match.group(3) else " "
        at = line_start(text, number) + match.end(3)
        layer.fixer = lambda missing, at=at, sep=sep: [Edit(at, at, "".join(f"{sep}{ip}" for ip in missing))]
        layer.manual = lambda missing, m=match: [f"{m.group(1)}={m.group(3)},{','.join(missing)}"]
        layers.append(layer)
    return layers


def _python(path: Path, text: str, ctx: AuditContext) -> list[Layer]:
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        ctx.problem(path, exc.lineno, f"Python syntax: {exc.msg}")
        return []
    layers = []
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        names = [t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else "" for t in targets]
        if not any(_wanted(n) for n in names) or not isinstance(value, (ast.List, ast.Set, ast.Tuple)):
            continue
        strings = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if not strings or not all(_IPISH.match(s) for s in strings):
            continue
        sources = tuple(parse_source(s) for s in strings)
        cidrs = [s for s in strings if "/" in s]
        layer = Layer(path, node.lineno, NAME, names[0], [AllowlistRule("allow", sources, node.lineno, text=names[0])],
                      Semantics.UNION, "deny")
        if cidrs:
            layer.notes.append(f"contains CIDRs ({', '.join(cidrs)}): correct only if the code tests membership "
                               f"with ipaddress, not `remote_addr in {names[0]}`")
        last = value.elts[-1]
        # ast.parse sets every end position
        assert value.end_lineno is not None and value.end_col_offset is not None and last.end_lineno is not None and last.end_col_offset is not None
        quote = "'" if text[offsets[last.lineno - 1] + last.col_offset] == "'" else '"'
        end = offsets[value.end_lineno - 1] + value.end_col_offset - 1  # the closing bracket
        body = text[offsets[value.lineno - 1] + value.col_offset + 1 : end]
        if "\n" in body.strip("\n") or body.endswith("\n") or body.rstrip().endswith(","):
            indent = " " * last.col_offset
            at = offsets[last.end_lineno - 1] + last.end_col_offset
            comma = text[at:].lstrip(" ").startswith(",")
            if comma:
                at = text.index(",", at) + 1
            layer.fixer = lambda missing, at=at, comma=comma, indent=indent, q=quote: [Edit(at, at, ("" if comma else ",") + "".join(
                f"\n{indent}{q}{ip}{q}," for ip in missing).rstrip("," if not comma else ""))]
        else:
            at = offsets[last.end_lineno - 1] + last.end_col_offset
            layer.fixer = lambda missing, at=at, q=quote: [Edit(at, at, "".join(f", {q}{ip}{q}" for ip in missing))]
        layer.manual = lambda missing, q=quote: [f"{q}{ip}{q}," for ip in missing]
        layers.append(layer)
    return layers
