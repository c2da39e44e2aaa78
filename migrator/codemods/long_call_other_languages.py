"""VNI022: HTTP timeouts of 240 s or more in C#, Java, Go, PHP and JavaScript/TypeScript code that
talks to Visma: a call that needs that long is cut by API Management at 4 minutes.

A project-wide kind over the tree-sitter trees of the other languages (the same grammars as
VNI051, through the public `spec_for` / `parser_for`). Per language, the timeout spellings of the
common clients are read: C# `HttpClient.Timeout = TimeSpan.From...(...)`, Java `setReadTimeout(ms)`,
`.timeout(Duration.of...(...))`, `readTimeout(n, TimeUnit.X)`, Go `http.Client{Timeout: n *
time.Minute}`, PHP Guzzle `'timeout' => s` and Laravel `Http::timeout(s)`, JavaScript/TypeScript
axios `timeout: ms`. Each finding is manual and carries the background-API recipe in that language.
Only files that mention Visma are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from migrator.findings import Finding, FixSafety
from migrator.languages import LanguageSpec, spec_for
from migrator.languages.treesitter import GrammarMissing, parser_for
from migrator.prefilter import file_has
from migrator.python.context import render_message
from migrator.rulefile import Rule
from migrator.spans import SpanText

KIND = "long-call-other-languages"
LANGUAGE = "project"
GATEWAY_LIMIT = 240.0
_NEEDLES = (b"visma",)
# `prefilter` tags no file that holds none of these (the runner's byte search finds the rest)
SCREEN_NEEDLES = _NEEDLES
PYTHON_SCREEN_NEEDLES = ()  # it reads no Python file
_MAX_BYTES = 2_000_000
_UNITS = {"milliseconds": 0.001, "millis": 0.001, "ms": 0.001, "seconds": 1.0, "second": 1.0, "s": 1.0,
          "minutes": 60.0, "minute": 60.0, "m": 60.0, "hours": 3600.0, "hour": 3600.0, "h": 3600.0,
          "microsecond": 1e-6, "nanosecond": 1e-9, "millisecond": 0.001}
_NUMBER = r"[\d_.]+(?:\s*[*]\s*[\d_.]+)*"

RECIPES = {
    "C#": ('request.Headers.Add("erp-api-background", "none"); var accepted = await client.SendAsync(request); '
           'var job = await accepted.Content.ReadFromJsonAsync<JsonElement>(); then poll '
           'GET job.GetProperty("stateLocation") with a short timeout until "status" is Finished or Failed, '
           'check "statusCode", and GET {stateLocation}/content when "hasResponseContent"'),
    "Java": ('HttpRequest.newBuilder(uri).header("erp-api-background", "none") ...; read "stateLocation" from the 202 '
             'body, poll it with a short timeout until "status" is Finished or Failed, check "statusCode", and GET '
             '{stateLocation}/content when "hasResponseContent"'),
    "Go": ('req.Header.Set("erp-api-background", "none"); decode {"id", "stateLocation"} from the 202; poll '
           'stateLocation with a client whose Timeout is short until "status" is Finished or Failed, check '
           '"statusCode", and GET stateLocation+"/content" when "hasResponseContent"'),
    "PHP": ("$client->request($method, $url, ['headers' => ['erp-api-background' => 'none']]); json_decode the 202 "
            "body, poll its stateLocation (short timeout) until status is Finished or Failed, check statusCode, and "
            "GET {stateLocation}/content when hasResponseContent"),
    "JavaScript": ("axios.request({ ...config, headers: { ...config.headers, 'erp-api-background': 'none' } }); poll "
                   "data.stateLocation with a short timeout until status is Finished or Failed, check statusCode, "
                   "and GET `${stateLocation}/content` when hasResponseContent"),
}
RECIPES["TypeScript"] = RECIPES["JavaScript"]


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    unknown = sorted(set(parameters) - {"gateway_limit"})
    if unknown:
        return f"unknown parameter(s) {', '.join(unknown)}"
    if "gateway_limit" in parameters and not isinstance(parameters["gateway_limit"], (int, float)):
        return "gateway_limit must be a number"
    return None


def screens(path: Path) -> bool:
    return spec_for(path) is not None


def prefilter(path: Path, lowered: bytes) -> tuple[str, ...]:
    return ("candidate",) if b"visma" in lowered and b"timeout" in lowered and spec_for(path) is not None else ()


def _number(text: str) -> float | None:
    """`600`, `10 * 60 * 1000`, `1_000`: digits and `*` only (anything else is not a literal)."""
    total = 1.0
    for factor in text.replace("_", "").split("*"):
        factor = factor.strip().rstrip("LlFfDdMm")
        try:
            total *= float(factor)
        except ValueError:
            return None
    return total


def _csharp(node: Any, text: str) -> float | None:
    if node.type != "assignment_expression" or not re.match(r"^[\w.]*Timeout\s*=", text):
        return None
    if "InfiniteTimeSpan" in text:
        return float("inf")
    match = re.search(rf"TimeSpan\.From(Milliseconds|Seconds|Minutes|Hours)\(\s*({_NUMBER})\s*\)", text)
    if match:
        value = _number(match[2])
        return None if value is None else value * _UNITS[match[1].lower()]
    match = re.search(r"new\s+TimeSpan\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", text)
    if match:
        return int(match[1]) * 3600.0 + int(match[2]) * 60.0 + int(match[3])
    return None


def _java(node: Any, text: str) -> float | None:
    if node.type != "method_invocation":
        return None
    match = re.search(rf"\.(setReadTimeout|setSocketTimeout|setConnectionRequestTimeout)\(\s*({_NUMBER})\s*\)$", text)
    if match:
        value = _number(match[2])
        return None if value is None else value / 1000.0
    match = re.search(rf"\.(timeout|readTimeout|callTimeout)\(\s*Duration\.of(Millis|Seconds|Minutes|Hours)\(\s*({_NUMBER})\s*\)\s*\)$",
                      text)
    if match:
        value = _number(match[3])
        return None if value is None else value * _UNITS[match[2].lower()]
    match = re.search(rf"\.(readTimeout|callTimeout|timeout)\(\s*({_NUMBER})\s*,\s*TimeUnit\.(\w+)\s*\)$", text)
    if match:
        value = _number(match[2])
        unit = {"MILLISECONDS": 0.001, "SECONDS": 1.0, "MINUTES": 60.0, "HOURS": 3600.0}.get(match[3])
        return None if value is None or unit is None else value * unit
    return None


def _go(node: Any, text: str) -> float | None:
    if node.type == "keyed_element":
        match = re.match(r"^Timeout\s*:\s*(.+)$", text, re.DOTALL)
    elif node.type == "assignment_statement":
        match = re.match(r"^[\w.]*\.Timeout\s*=\s*(.+)$", text, re.DOTALL)
    else:
        return None
    if match is None:
        return None
    value = match[1].strip()
    found = re.fullmatch(rf"(?:time\.Duration\()?({_NUMBER})\)?\s*\*\s*time\.(Millisecond|Second|Minute|Hour)", value) \
        or re.fullmatch(r"time\.(Millisecond|Second|Minute|Hour)\s*\*\s*(" + _NUMBER + ")", value)
    if found is None:
        return None
    number, unit = (found[1], found[2]) if found[1][0].isdigit() else (found[2], found[1])
    seconds = _number(number)
    return None if seconds is None else seconds * _UNITS[unit.lower()]


def _php(node: Any, text: str) -> float | None:
    if node.type == "array_element_initializer":
        match = re.match(rf"""^['"](?:timeout|read_timeout)['"]\s*=>\s*({_NUMBER})$""", text)
    elif node.type in ("scoped_call_expression", "member_call_expression"):
        match = re.search(rf"(?:::|->)timeout\(\s*({_NUMBER})\s*\)$", text)
    else:
        return None
    return _number(match[1]) if match else None


def _javascript(node: Any, text: str) -> float | None:
    if node.type == "pair":
        match = re.match(rf"""^['"]?timeout['"]?\s*:\s*({_NUMBER})$""", text)
    elif node.type in ("assignment_expression", "augmented_assignment_expression"):
        match = re.match(rf"^[\w.]*\.timeout\s*=\s*({_NUMBER})$", text)
    elif node.type == "call_expression":
        match = re.match(rf"^AbortSignal\.timeout\(\s*({_NUMBER})\s*\)$", text)
    else:
        return None
    value = _number(match[1]) if match else None
    return None if value is None else value / 1000.0  # axios and AbortSignal count milliseconds


_DETECTORS: dict[str, Callable[[Any, str], float | None]] = {
    "C#": _csharp, "Java": _java, "Go": _go, "PHP": _php, "JavaScript": _javascript, "TypeScript": _javascript,
}


def _nodes(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def long_timeouts(spec: LanguageSpec, text: str, limit: float) -> list[tuple[int, int, float, str]]:
    """(start, end, seconds, source) of each timeout of `limit` seconds or more; character offsets."""
    detector = _DETECTORS.get(spec.name)
    if detector is None:
        return []
    data = text.encode("utf-8")
    tree = parser_for(spec).parse(data)
    found: list[tuple[int, int, float, str]] = []
    for node in _nodes(tree.root_node):
        if node.child_count == 0:
            continue
        source = data[node.start_byte:node.end_byte].decode("utf-8", "replace")
        seconds = detector(node, source)
        if seconds is not None and seconds >= limit:
            start = len(data[:node.start_byte].decode("utf-8", "replace"))
            found.append((start, start + len(source), seconds, source))
    return found


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    limit = float(rule.parameters.get("gateway_limit", GATEWAY_LIMIT))
    out: list[Finding] = []
    for path, display in ctx.files:
        spec = spec_for(path)
        if spec is None or not ctx.tagged(KIND, "candidate", path, lambda: file_has(path, _NEEDLES, _MAX_BYTES)):  # noqa: B023
            continue
        source = ctx.source(display, path)
        if source is None or "timeout" not in source.text.lower():
            continue
        try:
            timeouts = long_timeouts(spec, source.text, limit)
        except (GrammarMissing, RecursionError):
            continue  # VNI051 reports a missing grammar once per language
        spans = SpanText(display, source.text)
        for start, end, seconds, text in timeouts:
            shown = "no timeout (infinite)" if seconds == float("inf") else f"{seconds:g} s"
            message = render_message(rule, language=spec.name, timeout=shown, code=text.strip()[:80],
                                     recipe=RECIPES[spec.name])
            out.append(spans.finding(rule, start, end, message, fix=FixSafety.MANUAL,
                                     extra={"language": spec.name, "timeout": seconds if seconds != float("inf") else "infinite"}))
    return out


__all__ = ["KIND", "LANGUAGE", "RECIPES", "long_timeouts", "project_findings", "validate_parameters"]
