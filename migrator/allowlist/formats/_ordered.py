"""Shared by the HAProxy and netfilter adapters: rule lists whose conditions do not fit one source list.

Those adapters walk their rule list themselves for each sender address (jumps, AND/OR conditions,
ports) and record which rule decided. `layer_rules` turns those decisions back into first-match
`AllowlistRule`s so the common engine reports them: each deciding rule keeps its line and text and
lists the sender addresses it decided; rules that decide no sender are kept (sources empty) so a
denying rule still counts as restricting; undecidable senders come last as unresolved rules.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from migrator.allowlist.model import AllowlistRule, Unresolved
from migrator.allowlist.senders import SENDERS


@dataclass(frozen=True)
class Step:
    """A terminal rule: `action` is "allow" or "deny"."""

    action: str
    line: int
    text: str


@dataclass(frozen=True)
class Decision:
    step: Step | None  # the deciding rule; None: the default decided
    unresolved: str | None = None  # why the walk could not decide (then `step` is where it stopped)


def layer_rules(steps: list[Step], decisions: dict[str, Decision], default: Step | None) -> list[AllowlistRule]:
    rules: list[AllowlistRule] = []
    for step in steps:
        ips = [ip for ip in (str(s) for s in SENDERS) if decisions[ip].step is step and decisions[ip].unresolved is None]
        if ips or step.action == "deny":
            nets = tuple(ipaddress.ip_network(ip) for ip in ips)
            rules.append(AllowlistRule(step.action, nets, step.line, text=step.text))
    fallen = [ip for ip in (str(s) for s in SENDERS) if decisions[ip].step is None and decisions[ip].unresolved is None]
    undecided = any(d.unresolved is not None for d in decisions.values())
    if fallen and default is not None and (default.line > 0 or undecided):
        nets = tuple(ipaddress.ip_network(ip) for ip in fallen)
        rules.append(AllowlistRule(default.action, nets, default.line, text=default.text))
    for ip in (str(s) for s in SENDERS):
        decision = decisions[ip]
        if decision.unresolved is not None:
            where = decision.step.line if decision.step else 0
            text = decision.step.text if decision.step else ""
            rules.append(AllowlistRule("deny", (Unresolved(ip, decision.unresolved),), where, text=text))
    return rules
