"""One engine for every format: decide, per sender address, what a layer does with it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from migrator.allowlist.containment import contains, is_mapped
from migrator.allowlist.model import (
    AllowlistRule,
    Layer,
    Semantics,
    Unresolved,
    Verdict,
)
from migrator.allowlist.senders import SENDERS


@dataclass(frozen=True)
class Outcome:
    action: str  # "allow" | "deny" | "unknown"
    rule: AllowlistRule | None  # the deciding rule; None when the default decided
    unresolved: tuple[str, ...] = ()


def rule_matches(rule: AllowlistRule, ip: ipaddress.IPv4Address, layer: Layer) -> bool | None:
    """True/False, or None when an unresolved source might match."""
    hits = [contains(s, ip, mapped_matches_v4=layer.mapped_matches_v4) for s in rule.sources]
    if True in hits:
        matched: bool | None = not any(ip in e for e in rule.excepts if e.version == ip.version)
    elif None in hits:
        matched = None
    else:
        matched = False
    if matched is None or not rule.negated:
        return matched
    return not matched


def _unresolved(rule: AllowlistRule) -> tuple[str, ...]:
    return tuple(f"{s.text} ({s.why}, line {rule.line})" for s in rule.sources if isinstance(s, Unresolved))


def decide(layer: Layer, ip: ipaddress.IPv4Address) -> Outcome:
    rules = layer.rules
    if layer.semantics is Semantics.FIRST_MATCH:
        for rule in rules:
            hit = rule_matches(rule, ip, layer)
            if hit is None:
                return Outcome("unknown", rule, _unresolved(rule))
            if hit:
                return Outcome(rule.action, rule)
        return Outcome(layer.default, None)
    if layer.semantics is Semantics.LONGEST_PREFIX:
        best: tuple[int, AllowlistRule] | None = None
        for rule in rules:
            hit = rule_matches(rule, ip, layer)
            if hit is None:
                return Outcome("unknown", rule, _unresolved(rule))
            if hit:
                prefix = max(getattr(s, "prefixlen", 0) for s in rule.sources)
                if best is None or prefix > best[0]:
                    best = (prefix, rule)
        return Outcome(best[1].action, best[1]) if best else Outcome(layer.default, None)
    unknown: list[AllowlistRule] = []
    if layer.semantics is Semantics.DENY_OVERRIDES:
        for rule in (r for r in rules if r.action == "deny"):
            hit = rule_matches(rule, ip, layer)
            if hit:
                return Outcome("deny", rule)
            if hit is None:
                unknown.append(rule)
    for rule in (r for r in rules if r.action == "allow"):
        hit = rule_matches(rule, ip, layer)
        if hit and not unknown:
            return Outcome("allow", rule)
        if hit is None:
            unknown.append(rule)
    if unknown:
        return Outcome("unknown", unknown[0], tuple(u for r in unknown for u in _unresolved(r)))
    return Outcome(layer.default, None)


def restricts(layer: Layer) -> bool:
    return layer.default == "deny" or any(r.action == "deny" for r in layer.rules)


def _why_denied(layer: Layer, ip: ipaddress.IPv4Address, outcome: Outcome) -> str:
    if outcome.rule is None:
        return f"{ip}: no rule matches and the default denies"
    near = [s for r in layer.rules for s in r.sources if is_mapped(s)]
    extra = ""
    if near and not layer.mapped_matches_v4 and any(s.network_address.ipv4_mapped == ip for s in near):  # type: ignore[union-attr]
        extra = " (the IPv4-mapped IPv6 entry does not match an IPv4 peer)"
    text = f" (`{outcome.rule.text}`)" if outcome.rule.text else ""
    return f"{ip}: denied by line {outcome.rule.line}{text}{extra}"


def evaluate_layer(layer: Layer) -> Layer:
    """Fill `verdict`, `missing` and `detail` in place and return the layer."""
    notes = list(layer.notes)
    if layer.forced is not None:
        layer.verdict, layer.missing, layer.detail = layer.forced, [], "; ".join(notes)
        return layer
    if not restricts(layer):
        layer.verdict = Verdict.NOT_RESTRICTING
        layer.missing = []
        layer.detail = "; ".join(
            ["no rule denies anything and unmatched traffic is allowed, so the allow entries have no effect"]
            + notes
        )
        return layer
    outcomes = {ip: decide(layer, ip) for ip in SENDERS}
    denied = [ip for ip, o in outcomes.items() if o.action == "deny"]
    unknown = [ip for ip, o in outcomes.items() if o.action == "unknown"]
    parts = [_why_denied(layer, ip, outcomes[ip]) for ip in denied]
    for ip in unknown:
        parts.append(f"{ip}: undecidable, unresolved " + ", ".join(outcomes[ip].unresolved))
    if layer.sees_proxy:
        layer.verdict = Verdict.SEES_PROXY_IP
        layer.missing = []
        layer.detail = "; ".join([layer.sees_proxy] + notes)
        return layer
    layer.missing = [str(ip) for ip in denied]
    if not denied and not unknown:
        layer.verdict = Verdict.ALLOWS
        parts = ["all three sender IPs are allowed"]
    elif denied and len(denied) == len(SENDERS):
        layer.verdict = Verdict.BLOCKS
    elif denied:
        layer.verdict = Verdict.PARTIAL
    else:
        layer.verdict = Verdict.UNKNOWN
    layer.detail = "; ".join(parts + notes)
    return layer
