"""Host firewalls: iptables (`iptables-save` files, `iptables ...` scripts, ufw `user.rules`), ufw
command scripts (`ufw allow from X to any port 443`) and nftables rule files.

Line tokenizers (`shlex` for iptables/ufw; a brace-aware tokenizer for nftables); no maintained
parser reads these statically. Each input chain is one first-match layer: a new TCP connection
from each sender to the listener port walks the chain (user chains are followed, `RETURN`
returns), `ACCEPT`/`accept` allows, `DROP`/`REJECT`/`drop`/`reject` denies, the chain policy
decides what falls through (ufw: `default deny incoming` or, if the script does not say, deny).
Rules for other ports, other protocols, `-i lo` and `ESTABLISHED,RELATED`-only rules do not match.
When the listener port is unknown, 443 is assumed (webhooks are HTTPS). Fixes are manual: the
exact rule line to add before the rule that drops the sender.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from migrator.allowlist.containment import contains, parse_source, parse_sources
from migrator.allowlist.formats._ordered import Decision, Step, layer_rules
from migrator.allowlist.model import AuditContext, Layer, Semantics, Source, Unresolved
from migrator.allowlist.senders import SENDERS

NAME = "netfilter"

_IPT_LINE = re.compile(r"^\s*(?:\S*/)?(?:sudo\s+)?(?:\S*/)?(ip6?tables)\s+(.*)$")
_SAVE_LINE = re.compile(r"^\s*(-A|-I|:)\S*")
_UFW_LINE = re.compile(r"^\s*(?:sudo\s+)?(?:\S*/)?ufw\s+(.*)$")
_SERVICES = {"http": [80], "https": [443], "www": [80], "ssh": [22], "openssh": [22], "nginx full": [80, 443],
             "nginx http": [80], "nginx https": [443], "apache full": [80, 443], "apache": [80], "apache secure": [443]}


def detect(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".py", ".yaml", ".yml", ".json", ".tf", ".md", ".cfg"):
        return False
    if re.search(r"^\s*(:INPUT\s|-A\s+\S+|\*filter\b)", text, re.MULTILINE):
        return True
    if re.search(r"^\s*(?:sudo\s+)?(?:\S*/)?(ip6?tables\s+-[AIP]|ufw\s+(allow|deny|reject|limit|insert|default)\b)", text, re.MULTILINE):
        return True
    return bool(re.search(r"\bhook\s+input\b", text)) and bool(re.search(r"^\s*(table|chain)\s", text, re.MULTILINE))


# --------------------------------------------------------------------------------------- iptables


@dataclass
class IptRule:
    line: int
    text: str
    args: list[str]
    target: str


@dataclass
class IptTable:
    policies: dict[str, tuple[str, int]] = field(default_factory=dict)
    chains: dict[str, list[IptRule]] = field(default_factory=dict)
    sets: dict[str, list[Source]] = field(default_factory=dict)  # ipset `add NAME addr`


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _iptables(text: str) -> IptTable:  # noqa: C901 - one rule-syntax state machine
    table = IptTable()
    current = "filter"
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if (command := _IPT_LINE.match(line)) is not None:
            words = _split(command.group(2))
            if command.group(1) == "ip6tables":
                continue
        elif line.startswith("*"):
            current = line[1:].strip()
            continue
        elif line.startswith(":") and current == "filter":
            name, _, tail = line[1:].partition(" ")
            policy = tail.split()[0] if tail.split() else "-"
            if policy != "-":
                table.policies[name] = (policy.upper(), number)
            table.chains.setdefault(name, [])
            continue
        elif line.startswith(("add ", "ipset add ")):
            words = _split(line.removeprefix("ipset "))
            if len(words) >= 3:
                table.sets.setdefault(words[1], []).extend(parse_sources(words[2]))
            continue
        elif line.startswith("-"):
            if current != "filter":
                continue
            words = _split(line)
        else:
            continue
        if "-t" in words and words[words.index("-t") + 1 : words.index("-t") + 2] != ["filter"]:
            continue
        if not words:
            continue
        op = words[0]
        if op in ("-P", "--policy") and len(words) >= 3:
            table.policies[words[1]] = (words[2].upper(), number)
        elif op in ("-N", "--new-chain") and len(words) >= 2:
            table.chains.setdefault(words[1], [])
        elif op in ("-A", "--append", "-I", "--insert") and len(words) >= 2:
            chain = words[1]
            rest = words[2:]
            position = None
            if op in ("-I", "--insert"):
                position = 0
                if rest and rest[0].isdigit():
                    position, rest = int(rest[0]) - 1, rest[1:]
            target = ""
            for flag in ("-j", "--jump", "-g", "--goto"):
                if flag in rest and rest.index(flag) + 1 < len(rest):
                    target = rest[rest.index(flag) + 1]
            rule = IptRule(number, line, rest, target)
            rules = table.chains.setdefault(chain, [])
            if position is None:
                rules.append(rule)
            else:
                rules.insert(position, rule)
    return table


def _port_in(spec: str, port: int) -> bool:
    for part in spec.split(","):
        low, _, high = part.replace("-", ":").partition(":")
        try:
            if int(low or 0) <= port <= int(high or low or 65535):
                return True
        except ValueError:
            if _SERVICES.get(part.lower()) and port in _SERVICES[part.lower()]:
                return True
    return False


def _ipt_match(rule: IptRule, ip: ipaddress.IPv4Address, port: int, table: IptTable) -> bool | None:
    args = rule.args
    result: bool | None = True
    index = 0
    negate = False
    while index < len(args):
        word = args[index]
        value = args[index + 1] if index + 1 < len(args) else ""
        if word == "!":
            negate = True
            index += 1
            continue
        got: bool | None = None
        consumed = 2
        if word in ("-s", "--source", "--src"):
            hits = [contains(s, ip) for v in value.split(",") for s in parse_sources(v)]
            got = True if True in hits else (None if None in hits else False)
        elif word == "--src-range":
            hits = [contains(s, ip) for s in parse_sources(value)]
            got = True if True in hits else (None if None in hits else False)
        elif word == "--match-set":
            direction = args[index + 2] if index + 2 < len(args) else "src"
            consumed = 3
            if direction.split(",")[0] != "src":
                got = True
            elif value in table.sets:
                hits = [contains(s, ip) for s in table.sets[value]]
                got = True if True in hits else (None if None in hits else False)
            else:
                got = None
        elif word in ("-p", "--protocol"):
            got = value.lower() in ("tcp", "6", "all", "0")
        elif word in ("--dport", "--destination-port", "--dports", "--destination-ports"):
            got = _port_in(value, port)
        elif word in ("-i", "--in-interface"):
            got = value != "lo"
        elif word in ("--state", "--ctstate"):
            got = "NEW" in value.upper().split(",") or "UNTRACKED" in value.upper().split(",")
        elif word in ("-j", "--jump", "-g", "--goto", "-m", "--match", "-d", "--destination", "--sport", "--source-port",
                      "--sports", "-o", "--out-interface", "--comment", "--reject-with", "--log-prefix"):
            got = True
        elif word in ("--syn",):
            got, consumed = True, 1
        else:
            got, consumed = True, 1  # unknown options (rate limits, marks...) are assumed to match
        if negate and got is not None and word not in ("-j", "--jump", "-m", "--match"):
            got = not got
        negate = False
        if got is False:
            return False
        if got is None:
            result = None
        index += consumed
    return result


def _ipt_walk(table: IptTable, chain: str, ip: ipaddress.IPv4Address, port: int, steps: dict[int, Step], depth: int = 0) -> Decision | None:
    """The decision for `ip` in `chain`; None when the chain returns (or ends) without deciding."""
    if depth > 16:
        return Decision(None, f"jump depth exceeded in {chain}")
    for rule in table.chains.get(chain, []):
        hit = _ipt_match(rule, ip, port, table)
        if hit is False:
            continue
        target = rule.target
        terminal = {"ACCEPT": "allow", "DROP": "deny", "REJECT": "deny"}.get(target.upper())
        step = steps.setdefault(rule.line, Step(terminal or "deny", rule.line, rule.text))
        if hit is None:
            if terminal or target in table.chains:
                return Decision(step, "source set or address not resolvable")
            continue
        if terminal:
            return Decision(step)
        if target.upper() == "RETURN":
            return None
        if target in table.chains:
            inner = _ipt_walk(table, target, ip, port, steps, depth + 1)
            if inner is not None:
                return inner
            continue
        if target.upper() in ("LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", ""):
            continue
        return Decision(step, f"jump to chain {target} not defined in this file")
    return None


def _iptables_layers(path: Path, text: str, port: int, notes: list[str]) -> list[Layer]:
    table = _iptables(text)
    root = "INPUT" if ("INPUT" in table.chains or "INPUT" in table.policies) else None
    ufw = False
    if root is None and "ufw-user-input" in table.chains:
        root, ufw = "ufw-user-input", True
    if root is None:
        return []
    policy, policy_line = table.policies.get(root, ("DENY" if ufw else "ACCEPT", 0))
    default_action = "allow" if policy == "ACCEPT" else "deny"
    steps: dict[int, Step] = {}
    decisions: dict[str, Decision] = {}
    for ip in SENDERS:
        decisions[str(ip)] = _ipt_walk(table, root, ip, port, steps) or Decision(None)
    ordered = [steps[line] for line in sorted(steps)]
    for rules in table.chains.values():  # denying rules no sender reaches still make the chain restrictive
        for rule in rules:
            if rule.target.upper() in ("DROP", "REJECT") and rule.line not in steps:
                ordered.append(Step("deny", rule.line, rule.text))
    policy_text = "ufw default incoming policy (assumed deny: DEFAULT_INPUT_POLICY)" if ufw else f"{root} policy {policy}"
    default = Step(default_action, policy_line, policy_text)
    first = min([r.line for r in table.chains.get(root, [])] + [policy_line or 10**9])
    layer = Layer(path, first if first < 10**9 else 1, NAME, f"iptables {root}", layer_rules(ordered, decisions, default),
                  Semantics.FIRST_MATCH, default_action, notes=list(notes))
    if ufw:
        layer.notes.append("ufw user.rules: unmatched traffic gets ufw's default incoming policy, assumed deny")
    chain = root
    command = "iptables " if re.search(r"^\s*(?:sudo\s+)?(?:\S*/)?iptables\s", text, re.MULTILINE) else ""

    def manual(missing: list[str]) -> list[str]:
        lines = [f"{command}-A {chain} -s {ip}/32 -p tcp -m tcp --dport {port} -j ACCEPT" for ip in missing]
        stops = sorted({d.step.line for ip, d in decisions.items() if ip in missing and d.step and d.step.line})
        if stops:
            lines = [f"{line}  (before line {stops[0]})" for line in lines]
        return lines

    layer.manual = manual
    return [layer]


# --------------------------------------------------------------------------------------- ufw CLI


def _ufw_layers(path: Path, text: str, port: int, notes: list[str]) -> list[Layer]:  # noqa: C901 - one rule-syntax state machine
    rules: list[tuple[int, Step, list[Source], list[int] | None]] = []
    default: Step | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        match = _UFW_LINE.match(raw)
        if match is None:
            continue
        words = _split(match.group(1))
        if not words:
            continue
        if words[0] == "default" and len(words) >= 2:
            if len(words) < 3 or words[2] in ("incoming", "in"):
                default = Step("allow" if words[1] == "allow" else "deny", number, raw.strip())
            continue
        position = None
        if words[0] == "insert" and len(words) >= 3:
            position, words = int(words[1]) - 1, words[2:]
        if words[0] == "route" or words[0] not in ("allow", "deny", "reject", "limit"):
            continue
        action = "allow" if words[0] in ("allow", "limit") else "deny"
        rest = [w for w in words[1:] if w not in ("in", "log", "log-all")]
        if rest[:1] == ["out"]:
            continue
        sources: list[Source] = [parse_source("any")]
        ports: list[int] | None = None
        proto = "any"
        index = 0
        while index < len(rest):
            word = rest[index]
            value = rest[index + 1] if index + 1 < len(rest) else ""
            if word == "on":
                index += 2
            elif word == "proto":
                proto, index = value, index + 2
            elif word == "from":
                sources, index = parse_sources(value), index + 2
                if rest[index : index + 1] == ["port"]:
                    index += 2
            elif word == "to":
                index += 2
                if rest[index : index + 1] == ["port"]:
                    ports = _ufw_ports(rest[index + 1] if index + 1 < len(rest) else "")
                    index += 2
            elif word == "app":
                ports, index = _SERVICES.get(value.lower()), index + 2
            elif word == "comment":
                index += 2
            elif index == 0:
                spec, _, proto_part = word.partition("/")
                proto = proto_part or proto
                ports = _ufw_ports(spec)
                index += 1
            else:
                index += 1
        if proto not in ("any", "tcp"):
            continue
        if ports is not None and port not in ports:
            continue
        step = Step(action, number, raw.strip())
        entry = (number, step, sources, ports)
        if position is None:
            rules.append(entry)
        else:
            rules.insert(position, entry)
    if not rules and default is None:
        return []
    if default is None:
        default = Step("deny", 0, "ufw default incoming policy (assumed deny)")
    decisions: dict[str, Decision] = {}
    for ip in SENDERS:
        decision = Decision(None)
        for _number, step, sources, _ports in rules:
            hits = [contains(s, ip) for s in sources]
            if True in hits:
                decision = Decision(step)
                break
            if None in hits:
                decision = Decision(step, "source not an address")
                break
        decisions[str(ip)] = decision
    steps = [entry[1] for entry in rules]
    first = min([entry[0] for entry in rules] + [default.line or 10**9])
    layer = Layer(path, first, NAME, "ufw", layer_rules(steps, decisions, default), Semantics.FIRST_MATCH, default.action, notes=list(notes))
    if default.line == 0:
        layer.notes.append("no `ufw default` in the script: ufw's default incoming policy (deny) assumed")
    denied_first = any(d.step is not None and d.step.action == "deny" for d in decisions.values())
    verb = "ufw insert 1 allow" if denied_first else "ufw allow"
    layer.manual = lambda missing: [f"{verb} proto tcp from {ip} to any port {port}" for ip in missing]
    return [layer]


def _ufw_ports(spec: str) -> list[int] | None:
    if spec.lower() in _SERVICES:
        return _SERVICES[spec.lower()]
    out: list[int] = []
    for part in spec.split(","):
        low, _, high = part.partition(":")
        try:
            out.extend(range(int(low), int(high or low) + 1))
        except ValueError:
            return None
    return out


# --------------------------------------------------------------------------------------- nftables


@dataclass
class NftToken:
    value: str
    line: int


@dataclass
class NftChain:
    name: str
    line: int
    statements: list[list[NftToken]] = field(default_factory=list)
    hook: str | None = None
    policy: tuple[str, int] | None = None


def _nft_tokens(text: str) -> list[NftToken]:
    tokens: list[NftToken] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        for match in re.finditer(r'"[^"]*"|[{};,=]|[^\s{};,="]+', line):
            tokens.append(NftToken(match.group(0), number))
        tokens.append(NftToken("\n", number))
    return tokens


def _nft_parse(text: str) -> tuple[dict[str, list[Source]], list[NftChain], dict[str, list[Source]]]:  # noqa: C901 - one rule-syntax state machine
    """(named sets, chains, defines) of a file; set names are keyed without the table."""
    tokens = _nft_tokens(text)
    sets: dict[str, list[Source]] = {}
    defines: dict[str, list[Source]] = {}
    chains: list[NftChain] = []
    stack: list[tuple[str, str, object]] = []  # (kind, name, payload)
    statement: list[NftToken] = []
    depth = 0

    def elements(words: list[NftToken]) -> list[Source]:
        out: list[Source] = []
        for token in words:
            if token.value in "{},=\n" or token.value == "elements":
                continue
            if token.value.startswith("$") and token.value[1:] in defines:
                out.extend(defines[token.value[1:]])
            else:
                out.extend(parse_sources(token.value.strip('"')))
        return out

    def finish(words: list[NftToken]) -> None:
        values = [t.value for t in words]
        if not values:
            return
        kind = stack[-1][0] if stack else "top"
        if values[0] == "define" and len(values) >= 3:
            defines[values[1]] = elements(words[3:] if values[2] == "=" else words[2:])
        elif kind == "set" and values[0] == "elements":
            sets.setdefault(stack[-1][1], []).extend(elements(words[1:]))
        elif kind == "chain":
            chain = stack[-1][2]
            assert isinstance(chain, NftChain)
            if values[0] == "type" and "hook" in values:
                chain.hook = values[values.index("hook") + 1]
                if "policy" in values:
                    chain.policy = (values[values.index("policy") + 1], words[values.index("policy")].line)
            elif values[0] == "policy" and len(values) >= 2:
                chain.policy = (values[1], words[0].line)
            else:
                chain.statements.append(words)

    for token in tokens:
        value = token.value
        if depth == 0 and value in ("\n", ";"):
            finish(statement)
            statement = []
            continue
        if value == "{":
            head = [t.value for t in statement]
            if depth == 0 and head and head[0] in ("table", "chain", "set", "map", "flowtable", "counter", "quota", "ct", "limit", "secmark", "synproxy"):
                if head[0] == "chain":
                    chain = NftChain(head[-1], token.line)
                    chains.append(chain)
                    stack.append(("chain", head[-1], chain))
                else:
                    stack.append((head[0], head[-1], None))
                statement = []
                continue
            depth += 1
        elif value == "}":
            if depth == 0:
                finish(statement)
                statement = []
                if stack:
                    stack.pop()
                continue
            depth -= 1
        if value != "\n":
            statement.append(token)
    finish(statement)
    return sets, chains, defines


def _nft_values(words: list[str], start: int) -> tuple[list[str], int]:
    """The value after a selector: one word or a `{ a, b }` anonymous set; returns (values, next index)."""
    if start >= len(words):
        return [], start
    if words[start] == "{":
        end = words.index("}", start) if "}" in words[start:] else len(words)
        return [w for w in words[start + 1 : end] if w != ","], end + 1
    return [words[start]], start + 1


def _nft_match(words: list[str], ip: ipaddress.IPv4Address, port: int, sets: dict[str, list[Source]],  # noqa: C901 - one rule-syntax matcher
               defines: dict[str, list[Source]]) -> tuple[bool | None, str | None]:
    result: bool | None = True
    index = 0
    verdict = None
    while index < len(words):
        word = words[index]
        nxt = words[index + 1] if index + 1 < len(words) else ""
        got: bool | None = True
        if word in ("ip", "ip6") and nxt in ("saddr", "daddr"):
            op_index = index + 2
            negated = words[op_index : op_index + 1] == ["!="]
            if words[op_index : op_index + 1] in (["!="], ["=="]):
                op_index += 1
            values, index = _nft_values(words, op_index)
            if nxt == "daddr":
                continue
            if word == "ip6":
                got = False
            else:
                sources: list[Source] = []
                for value in values:
                    if value.startswith("@"):
                        sources.extend(sets.get(value[1:], [Unresolved(value, "named set not found")]))
                    elif value.startswith("$"):
                        sources.extend(defines.get(value[1:], [Unresolved(value, "undefined variable")]))
                    else:
                        sources.extend(parse_sources(value.strip('"')))
                hits = [contains(s, ip) for s in sources]
                got = True if True in hits else (None if None in hits else False)
                if negated and got is not None:
                    got = not got
        elif word in ("tcp", "udp", "th", "sctp") and nxt in ("dport", "sport"):
            op_index = index + 2
            negated = words[op_index : op_index + 1] == ["!="]
            if words[op_index : op_index + 1] in (["!="], ["=="]):
                op_index += 1
            values, index = _nft_values(words, op_index)
            if word in ("udp", "sctp"):
                got = False
            elif nxt == "dport":
                got = any(_port_in(v.replace("-", ":"), port) for v in values)
                if negated:
                    got = not got
        elif word == "meta" and nxt in ("l4proto", "nfproto"):
            values, index = _nft_values(words, index + 2)
            got = nxt == "nfproto" or any(v in ("tcp", "6") for v in values)
        elif word in ("iif", "iifname") or (word == "meta" and nxt in ("iif", "iifname")):
            start = index + (2 if word == "meta" else 1)
            values, index = _nft_values(words, start)
            got = not any(v.strip('"') == "lo" for v in values)
        elif word == "ct" and nxt == "state":
            values, index = _nft_values(words, index + 2)
            states = [s for v in values for s in v.split(",")]
            got = "new" in states or "untracked" in states
        elif word in ("accept", "drop", "reject", "return") or word in ("jump", "goto"):
            verdict = word if word not in ("jump", "goto") else f"{word} {nxt}"
            index += 2 if word in ("jump", "goto") else 1
            if word == "reject":
                while index < len(words) and words[index] in ("with", "icmp", "icmpx", "tcp", "reset", "type", "admin-prohibited", "port-unreachable", "host-prohibited"):
                    index += 1
            continue
        else:
            index += 1
            continue
        if got is False:
            return False, verdict
        if got is None:
            result = None
    return result, verdict


def _nft_layers(path: Path, text: str, port: int, notes: list[str]) -> list[Layer]:
    sets, chains, defines = _nft_parse(text)
    by_name = {chain.name: chain for chain in chains}
    layers: list[Layer] = []
    for chain in chains:
        if chain.hook != "input":
            continue
        steps: dict[int, Step] = {}
        decisions: dict[str, Decision] = {}
        for ip in SENDERS:
            decisions[str(ip)] = _nft_walk(chain, by_name, ip, port, sets, defines, steps) or Decision(None)
        ordered = [steps[line] for line in sorted(steps)]
        for other in chains:
            for statement in other.statements:
                words = [t.value for t in statement]
                if ("drop" in words or "reject" in words) and statement[0].line not in steps:
                    ordered.append(Step("deny", statement[0].line, " ".join(words)))
        policy, policy_line = chain.policy or ("accept", chain.line)
        default_action = "deny" if policy == "drop" else "allow"
        default = Step(default_action, policy_line, f"chain {chain.name} policy {policy}")
        layer = Layer(path, chain.line, NAME, f"nftables chain {chain.name}", layer_rules(ordered, decisions, default),
                      Semantics.FIRST_MATCH, default_action, notes=list(notes))
        stops = sorted({d.step.line for d in decisions.values() if d.step and d.step.action == "deny"})

        def manual(missing: list[str], stops: list[int] = stops) -> list[str]:
            where = f"  (before line {stops[0]})" if stops else ""
            return [f"ip saddr {{ {', '.join(missing)} }} tcp dport {port} accept{where}"]

        layer.manual = manual
        layers.append(layer)
    return layers


def _nft_walk(chain: NftChain, by_name: dict[str, NftChain], ip: ipaddress.IPv4Address, port: int,
              sets: dict[str, list[Source]], defines: dict[str, list[Source]], steps: dict[int, Step], depth: int = 0) -> Decision | None:
    if depth > 16:
        return Decision(None, "jump depth exceeded")
    for statement in chain.statements:
        words = [t.value for t in statement]
        hit, verdict = _nft_match(words, ip, port, sets, defines)
        if hit is False or verdict is None:
            continue
        line = statement[0].line
        text = " ".join(words)
        action = {"accept": "allow", "drop": "deny", "reject": "deny"}.get(verdict)
        step = steps.setdefault(line, Step(action or "deny", line, text))
        if hit is None:
            return Decision(step, "source set or variable not resolvable")
        if action:
            return Decision(step)
        if verdict == "return":
            return None
        target = by_name.get(verdict.split()[-1])
        if target is None:
            return Decision(step, f"{verdict}: chain not found")
        inner = _nft_walk(target, by_name, ip, port, sets, defines, steps, depth + 1)
        if inner is not None or verdict.startswith("goto"):
            return inner
    return None


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    port = ctx.listener.port
    notes = [] if port else ["listener port unknown: 443 assumed"]
    port = port or 443
    for path, text in files:
        if re.search(r"\bhook\s+input\b", text):
            layers.extend(_nft_layers(path, text, port, notes))
        elif re.search(_UFW_LINE.pattern, text, re.MULTILINE) and not re.search(r"^\s*(-A|:)\S", text, re.MULTILINE) and re.search(
            r"^\s*(?:sudo\s+)?(?:\S*/)?ufw\s+(allow|deny|reject|limit|insert|default)\b", text, re.MULTILINE
        ):
            layers.extend(_ufw_layers(path, text, port, notes))
        else:
            layers.extend(_iptables_layers(path, text, port, notes))
    return layers
