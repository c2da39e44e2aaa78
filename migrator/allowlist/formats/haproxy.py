"""HAProxy: `acl NAME src ...` (inline addresses and `-f` pattern files) used by access rules.

A line tokenizer (`pyhaproxy` is unmaintained since 2019). Per `frontend`/`listen` section, ACLs of
the same name are ORed; a condition is `if|unless` terms (implicit AND, `||`/`or` between
alternatives, `!` negation, inline `{ src ... }`). Three rule lists, each first-match with
unmatched traffic allowed, each its own layer: `tcp-request connection`, `tcp-request content`
and `http-request` (`deny`/`reject`/`tarpit`/`silent-drop` deny, `allow`/`accept` stop the list).
Non-address ACL terms (`path_beg`, `hdr(host)`, ...) are decided from the listener URL when it is
known and otherwise assumed to hold for the webhook. Sections whose `bind` ports exclude the
listener port are out of scope. Safe fix: the missing addresses are appended to the `acl ... src`
line the deciding rule uses.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from migrator.allowlist.containment import contains, parse_source
from migrator.allowlist.formats._ordered import Decision, Step, layer_rules
from migrator.allowlist.model import AuditContext, Layer, Semantics, Source, Unresolved
from migrator.allowlist.senders import SENDERS
from migrator.findings import Edit

NAME = "haproxy"

_SECTION = re.compile(r"^\s*(global|defaults|frontend|backend|listen|peers|resolvers|userlist|program|cache|mailers|http-errors|ring)\b\s*(\S*)", re.IGNORECASE)
_DENY = {"deny", "reject", "tarpit", "silent-drop"}
_ALLOW = {"allow", "accept"}
_PATH_FETCHES = {"path", "path_beg", "path_end", "path_sub", "path_reg", "path_dir", "url_beg", "url", "url_sub", "url_reg"}
_HOST_FETCHES = {"hdr(host)", "req.hdr(host)", "hdr_dom(host)", "hdr_beg(host)", "hdr_end(host)", "req.hdr(host),lower", "hdr(host),lower"}


def detect(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".py", ".yaml", ".yml", ".json", ".tf", ".md"):
        return False
    return bool(re.search(r"^\s*(frontend|listen)\s+\S", text, re.MULTILINE)) and bool(
        re.search(r"^\s*(acl\s+\S+\s+src\b|(http|tcp)-request\s)", text, re.MULTILINE)
    )


@dataclass
class Acl:
    name: str
    line: int
    fetch: str
    values: list[str]
    sources: list[Source] = field(default_factory=list)
    inline: bool = True  # the line holds addresses (not only `-f`), so it can take more


@dataclass
class Section:
    kind: str
    name: str
    line: int
    binds: list[str] = field(default_factory=list)
    acls: dict[str, list[Acl]] = field(default_factory=dict)
    rules: dict[str, list[tuple[int, str, str, list[str]]]] = field(default_factory=dict)  # list -> (line, action, text, cond)
    set_src: int | None = None


def _strip_comment(line: str) -> str:
    out, quote = [], ""
    for ch in line:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out).rstrip()


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=False)
    except ValueError:
        return line.split()


def _read_list(file: str, base: Path, ctx: AuditContext) -> list[Source] | None:
    candidates = [Path(file)] if Path(file).is_absolute() else []
    candidates += [base / file, base / Path(file).name]
    for candidate in candidates:
        if candidate.is_file():
            text = ctx.read(candidate)
            if text is None:
                continue
            entries = [_strip_comment(line).strip() for line in text.splitlines()]
            return [parse_source(e) for e in entries if e]
    return None


def _sections(path: Path, text: str, ctx: AuditContext) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if (head := _SECTION.match(line)) is not None:
            current = Section(head.group(1).lower(), head.group(2), number)
            sections.append(current)
            continue
        if current is None or current.kind not in ("frontend", "listen"):
            continue
        words = _words(line)
        keyword = words[0].lower()
        if keyword == "bind" and len(words) > 1:
            current.binds.append(words[1])
        elif keyword == "acl" and len(words) >= 3:
            acl = Acl(words[1], number, words[2].lower(), words[3:])
            if acl.fetch in ("src", "src_ip"):
                args = iter(words[3:])
                acl.inline = False
                for value in args:
                    if value == "-f":
                        file = next(args, "")
                        listed = _read_list(file, path.parent, ctx)
                        acl.sources += listed if listed is not None else [Unresolved(file, "pattern file not found")]
                    elif value in ("-m", "-M"):
                        next(args, None)
                    elif value.startswith("-"):
                        continue
                    else:
                        acl.sources.append(parse_source(value))
                        acl.inline = True
            current.acls.setdefault(acl.name, []).append(acl)
        elif keyword in ("http-request", "tcp-request", "block") and len(words) >= 2:
            if keyword == "tcp-request":
                if len(words) < 3:
                    continue
                which, action, rest = f"tcp-request {words[1].lower()}", words[2].lower(), words[3:]
            elif keyword == "block":
                which, action, rest = "http-request", "deny", words[1:]
            else:
                which, action, rest = "http-request", words[1].lower(), words[2:]
            if action == "set-src":
                current.set_src = number
                continue
            if action not in _DENY | _ALLOW:
                continue
            cond = rest[rest.index("if") if "if" in rest else rest.index("unless"):] if ("if" in rest or "unless" in rest) else []
            current.rules.setdefault(which, []).append((number, "deny" if action in _DENY else "allow", line, cond))
    return sections


def _ports(section: Section) -> set[int] | None:
    ports: set[int] = set()
    for bind in section.binds:
        for part in bind.split(","):
            match = re.search(r":(\d+)(?:-(\d+))?$", part)
            if match is None:
                return None  # unix socket, abns@, environment variable: cannot tell
            first = int(match.group(1))
            ports.update(range(first, int(match.group(2) or first) + 1))
    return ports or None


def _fetch_holds(acl: Acl, ctx: AuditContext) -> bool | None:
    """A non-address ACL for the webhook request: True/False, None when the listener does not say."""
    listener = ctx.listener
    values = [v for v in acl.values if not v.startswith("-")]
    if acl.fetch in _PATH_FETCHES and listener.path is not None:
        path = listener.path
        tests = {
            "path": lambda v: path == v, "url": lambda v: path == v, "path_beg": path.startswith,
            "url_beg": path.startswith, "path_end": path.endswith, "path_sub": lambda v: v in path,
            "url_sub": lambda v: v in path, "path_dir": lambda v: v.strip("/") in path.strip("/").split("/"),
        }
        if acl.fetch in tests:
            return any(tests[acl.fetch](v) for v in values)
        try:
            return any(re.search(v, path) for v in values)
        except re.error:
            return None
    if acl.fetch in _HOST_FETCHES and listener.host is not None:
        host = listener.host.lower()
        if acl.fetch.startswith("hdr_dom") or acl.fetch.startswith("hdr_end"):
            return any(host.endswith(v.lower()) for v in values)
        if acl.fetch.startswith("hdr_beg"):
            return any(host.startswith(v.lower()) for v in values)
        return any(host == v.lower() for v in values)
    return None


def _term(term: str, section: Section, ctx: AuditContext, ip: ipaddress.IPv4Address, assumed: list[str]) -> bool | None:
    negated = term.startswith("!")
    name = term.lstrip("!")
    if name.startswith("{"):
        words = name.strip("{} ").split()
        acl = Acl("{inline}", 0, words[0].lower() if words else "", words[1:])
        if acl.fetch in ("src", "src_ip"):
            acl.sources = [parse_source(v) for v in acl.values if not v.startswith("-")]
        acls = [acl]
    elif name in ("TRUE", "always_true"):
        return not negated
    elif name in ("FALSE", "always_false"):
        return negated
    else:
        acls = section.acls.get(name, [])
        if not acls:
            return None
    results: list[bool | None] = []
    for acl in acls:
        if acl.fetch in ("src", "src_ip"):
            hits = [contains(s, ip) for s in acl.sources]
            results.append(True if True in hits else (None if None in hits else False))
        else:
            held = _fetch_holds(acl, ctx)
            if held is None:
                assumed.append(name)
                return True  # assumed to apply to the webhook request, whatever the polarity
            results.append(held)
    hit = True if True in results else (None if None in results else False)
    return hit if hit is None or not negated else not hit


def _condition(cond: list[str], section: Section, ctx: AuditContext, ip: ipaddress.IPv4Address, assumed: list[str]) -> bool | None:
    if not cond:
        return True
    unless = cond[0] == "unless"
    text = " ".join(cond[1:])
    alternatives = re.split(r"\s*(?:\|\||\bor\b)\s*", text)
    outcome: bool | None = False
    for alternative in alternatives:
        terms = re.findall(r"!?\s*\{[^}]*\}|\S+", alternative)
        terms = [re.sub(r"^!\s+", "!", t) for t in terms]
        terms = [t for t in terms if t not in ("and", "&&")]
        value: bool | None = True
        for term in terms:
            got = _term(term, section, ctx, ip, assumed)
            if got is False:
                value = False
                break
            if got is None:
                value = None
        if value is True:
            outcome = True
            break
        if value is None:
            outcome = None
    if outcome is None or not unless:
        return outcome
    return not outcome


def _simple_acl(cond: list[str], section: Section) -> tuple[str, bool] | None:
    """(acl name, negated) when the condition reduces to one address ACL term (plus other terms)."""
    if not cond or cond[0] != "if" or any(t in ("||", "or") for t in cond):
        return None
    found = [(t.lstrip("!"), t.startswith("!")) for t in cond[1:] if section.acls.get(t.lstrip("!"))
             and all(a.fetch in ("src", "src_ip") for a in section.acls[t.lstrip("!")])]
    return found[0] if len(found) == 1 else None


def _append_edit(text: str, line: int, missing: list[str]) -> Edit:
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    body = text[start:end].rstrip("\r")
    content = _strip_comment(body)
    at = start + len(content)
    return Edit(at, at, " " + " ".join(missing))


def parse(files: list[tuple[Path, str]], ctx: AuditContext) -> list[Layer]:
    layers: list[Layer] = []
    port = ctx.listener.port
    for path, text in files:
        for section in _sections(path, text, ctx):
            if section.kind not in ("frontend", "listen") or not section.rules:
                continue
            ports = _ports(section)
            if port is not None and ports is not None and port not in ports:
                continue
            for which, raw_rules in section.rules.items():
                layers.append(_layer(path, text, section, which, raw_rules, ctx))
    return layers


def _layer(path: Path, text: str, section: Section, which: str, raw_rules: list, ctx: AuditContext) -> Layer:
    steps = [Step(action, line, body) for line, action, body, _cond in raw_rules]
    decisions: dict[str, Decision] = {}
    assumed: list[str] = []
    for ip in SENDERS:
        decision = Decision(None)
        for step, (_line, _action, _body, cond) in zip(steps, raw_rules):
            hit = _condition(cond, section, ctx, ip, assumed)
            if hit is None:
                decision = Decision(step, "address list not resolvable (missing pattern file or unknown ACL)")
                break
            if hit:
                decision = Decision(step)
                break
        decisions[str(ip)] = decision
    default = Step("allow", section.line, f"{section.kind} {section.name}: no {which} rule matched")
    rules = layer_rules(steps, decisions, default)
    layer = Layer(path, raw_rules[0][0], NAME, f"{section.kind} {section.name} {which}", rules, Semantics.FIRST_MATCH, "allow")
    if assumed:
        layer.notes.append("assumed to match the webhook request (listener URL does not decide): " + ", ".join(sorted(set(assumed))))
    if section.set_src is not None:
        layer.sees_proxy = f"line {section.set_src}: `http-request set-src` replaces the address the ACLs compare"

    def target(missing: list[str]) -> str:
        names: set[str] = set()
        for ip in missing:
            step = decisions[ip].step
            if step is None:
                raise ValueError("no deciding rule")
            index = steps.index(step)
            simple = _simple_acl(raw_rules[index][3], section)
            if step.action == "deny" and simple is not None and simple[1]:
                names.add(simple[0])
                continue
            earlier = [_simple_acl(r[3], section) for r in raw_rules[:index] if r[1] == "allow"]
            allows = [s[0] for s in earlier if s is not None and not s[1]]
            if not allows:
                raise ValueError("no address ACL to extend")
            names.add(allows[-1])
        if len(names) != 1:
            raise ValueError("more than one ACL would need the addresses")
        return names.pop()

    def fixer(missing: list[str]) -> list[Edit]:
        name = target(missing)
        lines = [acl.line for acl in section.acls[name] if acl.inline]
        if not lines:
            raise ValueError("the ACL only reads pattern files")
        return [_append_edit(text, max(lines), missing)]

    def manual(missing: list[str]) -> list[str]:
        try:
            name = target(missing)
        except ValueError:
            verb = "http-request allow" if which == "http-request" else f"{which} accept"
            return [f"{verb} if {{ src {' '.join(missing)} }}  (before line {layer.line})"]
        return [f"acl {name} src {' '.join(missing)}"]

    layer.fixer = fixer
    layer.manual = manual
    return layer
