"""Kubernetes manifests: ingress-nginx allowlist annotations, NetworkPolicy `ipBlock` (with `except`),
Traefik `IPAllowList`/`IPWhiteList` middlewares, Istio `AuthorizationPolicy`.

Semantics: annotation and Traefik lists are a union with default deny; NetworkPolicies selecting
the same pods add up (union, default deny once any selects them), `except` carves addresses out;
Istio DENY policies win, then the request must match some ALLOW policy if any exists.
Helm templates (`{{ }}`) are not rendered: such files become UNKNOWN layers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from migrator.allowlist.containment import parse_source
from migrator.allowlist.formats.yaml_source import (
    append_to_scalar,
    append_to_seq,
    load_all,
)
from migrator.allowlist.model import (
    AllowlistRule,
    AnySource,
    AuditContext,
    Layer,
    Network,
    Semantics,
)

NAME = "kubernetes"

_ANNOTATIONS = (
    "nginx.ingress.kubernetes.io/allowlist-source-range",
    "nginx.ingress.kubernetes.io/whitelist-source-range",
)
_KINDS = re.compile(r"^kind:\s*(Ingress|NetworkPolicy|Middleware|MiddlewareTCP|AuthorizationPolicy)\s*$", re.MULTILINE)


def detect(path: Path, text: str) -> bool:
    return path.suffix in (".yaml", ".yml") and bool(_KINDS.search(text))


def _line(node: Any, default: int = 1) -> int:
    try:
        return int(node.lc.line) + 1
    except AttributeError:
        return default


def _paths_match(paths: list[str], wanted: str | None) -> bool:
    if wanted is None or not paths:
        return True
    return any(wanted.startswith(p.rstrip("*").rstrip("/")) or p in ("/", "/*") for p in paths)


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    policies: dict[tuple[str, str], Layer] = {}
    for path, text in files:
        if "{{" in text:
            layer = Layer(path, 1, NAME, "Helm template", [], notes=["template not rendered; run `helm template` and audit the output"])
            from migrator.allowlist.model import Verdict

            layer.forced = Verdict.UNKNOWN
            layers.append(layer)
            continue
        try:
            docs = load_all(text)
        except Exception as exc:  # noqa: BLE001 - ruamel raises several error types
            mark = getattr(exc, "problem_mark", None)
            ctx.problem(path, mark.line + 1 if mark else None, f"YAML: {getattr(exc, 'problem', exc)}")
            continue
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            kind = doc.get("kind")
            meta = doc.get("metadata") or {}
            name = f"{kind}/{meta.get('namespace', 'default')}/{meta.get('name', '?')}"
            spec = doc.get("spec") or {}
            if kind == "Ingress":
                layers.extend(_ingress(path, text, doc, meta, spec, name, ctx))
            elif kind == "NetworkPolicy":
                _network_policy(path, doc, meta, spec, name, policies, layers)
            elif kind in ("Middleware", "MiddlewareTCP"):
                layers.extend(_traefik(path, text, doc, spec, name))
            elif kind == "AuthorizationPolicy":
                _istio(path, text, doc, meta, spec, name, ctx, policies, layers)
    return layers


def _ingress(path: Path, text: str, doc: Any, meta: Any, spec: Any, name: str, ctx: AuditContext) -> list[Layer]:
    annotations: Any = meta.get("annotations") or {}  # a ruamel CommentedMap when present
    key = next((k for k in _ANNOTATIONS if k in annotations), None)
    if key is None:
        return []
    paths = [p.get("path", "/") for rule in spec.get("rules") or [] for p in ((rule.get("http") or {}).get("paths") or [])]
    if not _paths_match(paths, ctx.listener.path):
        return []
    value = str(annotations[key])
    sources = tuple(parse_source(v) for v in value.split(",") if v.strip())
    line = annotations.lc.value(key)[0] + 1
    layer = Layer(path, line, "k8s-ingress-nginx", f"{name} annotation {key.split('/')[1]}",
                  [AllowlistRule("allow", sources, line, text=key)], Semantics.UNION, "deny",
                  notes=[("compares the controller's $remote_addr: needs externalTrafficPolicy: Local, "
                          "PROXY protocol or use-forwarded-headers to see the sender")])

    def fix(missing: list[str]) -> list:
        edit = append_to_scalar(text, annotations, key, "".join(f",{ip}/32" for ip in missing))
        return [edit] if edit else []

    layer.fixer = fix
    layer.manual = lambda missing: [f"{key}: \"{value},{','.join(ip + '/32' for ip in missing)}\""]
    return [layer]


def _network_policy(path: Path, doc: Any, meta: Any, spec: Any, name: str,
                    policies: dict[tuple[str, str], Layer], layers: list[Layer]) -> None:
    types = spec.get("policyTypes") or ["Ingress"]
    if "Ingress" not in types:
        return
    selector = str(dict((spec.get("podSelector") or {}).get("matchLabels") or {}))
    key = (str(meta.get("namespace", "default")), selector)
    layer = policies.get(key)
    if layer is None:
        layer = Layer(path, _line(doc), "k8s-networkpolicy", f"pods {selector} in {key[0]}", [], Semantics.UNION, "deny",
                      notes=["works only where the source IP is preserved (no SNAT by a load balancer or ingress)"])
        policies[key] = layer
        layers.append(layer)
    for rule in spec.get("ingress") or []:
        peers = rule.get("from")
        if not peers:  # an ingress rule without `from` admits every source
            layer.rules.append(AllowlistRule("allow", (AnySource("no from"),), _line(rule), text="ingress without from"))
            continue
        for peer in peers:
            block = peer.get("ipBlock")
            if not block:
                continue
            excepts: list[Network] = [n for n in (parse_source(e) for e in block.get("except") or []) if hasattr(n, "version")]  # type: ignore[misc]
            layer.rules.append(AllowlistRule("allow", (parse_source(str(block.get("cidr", ""))),), _line(peer),
                                             excepts=tuple(excepts), text=f"ipBlock {block.get('cidr')}"))
    layer.manual = lambda missing: [f"- ipBlock: {{cidr: {ip}/32}}" for ip in missing]


def _traefik(path: Path, text: str, doc: Any, spec: Any, name: str) -> list[Layer]:
    key = next((k for k in ("ipAllowList", "ipWhiteList") if k in spec), None)
    if key is None:
        return []
    body: Any = spec[key] or {}  # ruamel CommentedMap / CommentedSeq when present
    ranges: Any = body.get("sourceRange") or []
    line = _line(ranges) if ranges else _line(body)
    layer = Layer(path, line, "traefik", f"{name} {key}",
                  [AllowlistRule("allow", tuple(parse_source(str(r)) for r in ranges), line)], Semantics.UNION, "deny")
    if "ipStrategy" not in body:
        layer.notes.append("no ipStrategy: compares the TCP peer; behind a load balancer set ipStrategy.depth")
    layer.fixer = lambda missing: [e for e in [append_to_seq(text, ranges, [f"{ip}/32" for ip in missing])] if e]
    layer.manual = lambda missing: [f"- {ip}/32" for ip in missing]
    return [layer]


def _istio(path: Path, text: str, doc: Any, meta: Any, spec: Any, name: str, ctx: AuditContext,
           policies: dict[tuple[str, str], Layer], layers: list[Layer]) -> None:
    action = str(spec.get("action", "ALLOW")).upper()
    if action not in ("ALLOW", "DENY"):
        return
    selector = str(dict((spec.get("selector") or {}).get("matchLabels") or {}))
    key = ("istio:" + str(meta.get("namespace", "default")), selector)
    layer = policies.get(key)
    if layer is None:
        layer = Layer(path, _line(doc), "istio", f"AuthorizationPolicy workloads {selector} in {meta.get('namespace', 'default')}",
                      [], Semantics.DENY_OVERRIDES, "allow")
        policies[key] = layer
        layers.append(layer)
    if action == "ALLOW":
        layer.default = "deny"  # once an ALLOW policy selects the workload, unmatched requests are denied
    for rule in spec.get("rules") or [{}]:
        paths = [p for t in rule.get("to") or [] for p in ((t.get("operation") or {}).get("paths") or [])]
        if not _paths_match(paths, ctx.listener.path):
            continue
        sources = [s.get("source") or {} for s in rule.get("from") or []]
        if not sources:
            layer.rules.append(AllowlistRule(action.lower(), (AnySource("any source"),), _line(rule)))
            continue
        for source in sources:
            for field_name in ("ipBlocks", "remoteIpBlocks", "notIpBlocks", "notRemoteIpBlocks"):
                blocks = source.get(field_name)
                if not blocks:
                    continue
                negated = field_name.startswith("not")
                rule_obj = AllowlistRule(action.lower(), tuple(parse_source(str(b)) for b in blocks), _line(blocks),
                                         negated=negated, text=f"{field_name} ({name})")
                layer.rules.append(rule_obj)
                if field_name == "ipBlocks":
                    layer.notes.append(f"{name} uses ipBlocks (the TCP peer); behind a load balancer use remoteIpBlocks")
                if action == "ALLOW" and not negated and layer.fixer is None and layer.path == path:
                    layer.fixer = lambda missing, b=blocks: [e for e in [append_to_seq(text, b, [f"{ip}/32" for ip in missing])] if e]
    layer.manual = lambda missing: [f"- {ip}/32" for ip in missing]
