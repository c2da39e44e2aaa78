"""VNI020: calls that can outlast API Management's 4-minute cut go through the background API.

Which calls are long, in this order: the probe's measured verdicts (`--timings probe.json`,
`settings["timings"]`), the project's list (`[tool.vni-migrate] background`, `settings["background"]`),
an inline marker (`# vni-migrate: background` on the call's statement or the line above), and code
evidence (an explicit timeout of 240 s or more on the call or its client). A probe verdict of OK
outweighs code evidence alone. Long requests/httpx calls are rewritten (review) to
`visma_background.call(send, ...)` / `await visma_background.call_async(client.get, ...)`, with
`refresh_auth=<function>` when the project has one function that fetches a new Visma Connect token
(`migrator/background/token_function.py`; the LibCST stage passes it only where the name means that
function), else the finding says how a job outliving the token fails and how to pass it; other
clients get a manual finding. Unpaged list reads and page sizes of 1000 or more are warnings.

After the per-file phase, `project_findings` writes the helper module once per location where a
rewritten call needs it (`Edit(0, 0, text)` with `extra["creates_file"]`; see `migrator/project.py`).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path
from typing import Any

from migrator import urls
from migrator.background import HELPER_MODULE, helper_source
from migrator.background.http_calls import HttpCall, HttpCallFinder
from migrator.background.placement import placement
from migrator.background.rewrite import is_wrapped
from migrator.background.timings import (
    background_list,
    endpoint_key,
    measured_long,
    measured_ok,
)
from migrator.background.token_function import TokenFunction, binding_problem, token_functions
from migrator.findings import Edit, Finding, FixSafety, Severity
from migrator.python.context import PythonContext, render_message
from migrator.rulefile import Rule
from migrator.structural.requests import AddImport, BoundKeyword, StructuralRequest, WrapCall
from migrator.suppression import find_suppressions

KIND = "long-call"
LANGUAGE = "python"
GATEWAY_LIMIT = 240.0
LARGE_PAGE = 1000
_PARAMETERS = ("gateway_limit", "large_page_size")
_MARKER = re.compile(r"#\s*vni-migrate:\s*background\b", re.IGNORECASE)
_SUPPORTED = ("requests", "httpx", "httpx-async")


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    unknown = sorted(set(parameters) - set(_PARAMETERS))
    if unknown:
        return f"unknown parameter(s) {', '.join(unknown)}"
    for name in _PARAMETERS:
        if name in parameters and not isinstance(parameters[name], (int, float)):
            return f"{name} must be a number"
    return None


def _marker_lines(text: str) -> set[int]:
    if "background" not in text:
        return set()
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and _MARKER.search(token.string):
                lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return set()
    return lines


def _statement_lines(ctx: PythonContext, call: HttpCall) -> tuple[int, int]:
    node: Any = call.node
    parents = ctx.urls.resolver.parents
    while node is not None and not hasattr(node, "body") and node.__class__.__name__ not in (
        "Assign", "AnnAssign", "AugAssign", "Expr", "Return", "If", "With", "AsyncWith"
    ):
        node = parents.get(node)
    if node is None:
        return call.node.lineno, call.node.end_lineno or call.node.lineno
    if hasattr(node, "body"):  # a compound statement: only its header lines
        return node.lineno, call.node.end_lineno or call.node.lineno
    return node.lineno, node.end_lineno or node.lineno


def _reason(ctx: PythonContext, call: HttpCall, markers: set[int], limit: float) -> tuple[str, str] | None:
    """(source, human reason) if the call is long; sources in the documented order."""
    endpoint = call.endpoint
    measured = measured_long(ctx.settings, endpoint)
    if measured is not None:
        seconds = measured.get("predicted_call_seconds") or measured.get("max")
        detail = f", predicted {seconds:g} s" if isinstance(seconds, (int, float)) else ""
        return "timings", f"the probe measured /{endpoint} as {measured.get('verdict')}{detail}"
    if endpoint and endpoint in background_list(ctx.settings):
        return "background-list", f"/{endpoint} is in the project's background list"
    first, last = _statement_lines(ctx, call)
    if markers & set(range(first - 1, last + 1)):
        return "marker", "it is marked `# vni-migrate: background`"
    if call.timeout is not None and call.timeout >= limit:
        if measured_ok(ctx.settings, endpoint) is not None:
            return None
        where = "its client's" if call.timeout_on == "client" else "its"
        return "timeout", f"{where} timeout of {call.timeout:g} s reaches the {limit:g} s gateway cut"
    return None


def _suppressed_lines(ctx: PythonContext, rule: Rule) -> set[int]:
    lines: set[int] = set()
    for sup in find_suppressions(ctx.text, ctx.tree):
        if rule.id in sup.rules:
            lines.update(range(sup.lines[0], sup.lines[1] + 1))
    return lines


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    limit = float(rule.parameters.get("gateway_limit", GATEWAY_LIMIT))
    large = float(rule.parameters.get("large_page_size", LARGE_PAGE))
    finder = HttpCallFinder(ctx.tree, ctx.urls.resolver)
    calls = [
        c for c in finder.calls()
        if not is_wrapped(c.node) and not c.is_action and not c.is_background_api
        and not urls.RETIRED_RE.search(c.url)  # retired endpoints (VNI030-VNI032) have no new URL to call
    ]
    if not calls:
        return []
    markers = _marker_lines(ctx.text)
    subscription = str(ctx.settings.get("background_mode") or "none").lower() == "subscription"
    where = placement(ctx.path, ctx.settings)
    suppressed: set[int] | None = None
    tokens: list[TokenFunction] | None = None  # looked for once, at the first call that is fixed
    out: list[Finding] = []
    for call in calls:
        if _sends_background_header(call):
            continue
        reason = _reason(ctx, call, markers, limit)
        if reason is None:
            out.extend(_paging_warnings(ctx, rule, finder, call, large))
            continue
        source, why = reason
        extra: dict[str, Any] = {"source": source, "endpoint": call.endpoint, "library": call.library}
        if call.timeout is not None:
            extra["timeout"] = call.timeout
        if subscription:
            out.append(_subscription_finding(ctx, rule, call, why, extra))
            continue
        if call.method == "stream":
            out.append(ctx.finding(rule, call.node, _stream_message(why), fix=FixSafety.MANUAL,
                                   extra={**extra, "refused": "stream"}))
            continue
        concurrent = call.awaited or call.gathered
        if call.library not in _SUPPORTED or call.in_async_with or (call.library == "httpx-async") != concurrent:
            message = (f"Long call ({why}) with {call.library}: route it through the background API yourself "
                       "(send `erp-api-background: none`, poll the stateLocation, fetch /content); "
                       "the helper supports requests and httpx only")
            out.append(ctx.finding(rule, call.node, message, fix=FixSafety.MANUAL, extra=extra))
            continue
        if suppressed is None:
            suppressed = _suppressed_lines(ctx, rule)
        if call.node.lineno in suppressed:
            out.append(ctx.finding(rule, call.node, render_message(rule, why=why, helper=where.display), extra=extra))
            continue
        # A structural fix: the LibCST stage wraps the call and adds the import, only when it is fixed.
        start, end = ctx.index.node_span(call.node)
        function = "call_async" if call.library == "httpx-async" else "call"
        if tokens is None:
            tokens = token_functions(ctx.path, ctx.tree, ctx.urls.resolver)
        refresh, said, left_out = _refresh_auth(ctx, call, tokens)
        # The import request also tells the stage which binding of the name is the helper's own.
        requests: list[StructuralRequest] = [WrapCall(start, end, HELPER_MODULE, function, refresh),
                                             AddImport.from_line(where.import_line)]
        if where.path is not None:
            extra["helper_path"], extra["helper_display"] = str(where.path), where.display
        if refresh:
            extra["refresh_auth"] = refresh[0].name
        elif left_out:
            extra["refresh_auth_left_out"] = left_out
        message = render_message(rule, why=why, helper=where.display)
        if call.method == "post":
            message += ("; the `Location` of a created entity: whether the background API passes it on in the job's "
                        "responseHeaders is not documented (unknown): check it if the code reads it")
        message += said
        finding = ctx.finding(rule, call.node, message, extra=extra)
        finding.structural = tuple(requests)
        out.append(finding)
    return out


_NO_REFRESH = ("; a job that outlives the access token (60 minutes) gets a 401 while polling, which raises the "
               "caller's own error (requests.HTTPError / httpx.HTTPStatusError) naming the job id: pass "
               "`refresh_auth=` a function that returns a new access token (or Authorization value), e.g. "
               "`visma_background.call(..., refresh_auth=new_token)`")


def _refresh_auth(ctx: PythonContext, call: HttpCall, tokens: list[TokenFunction]) -> tuple[
        tuple[BoundKeyword, ...], str, str | None]:
    """The `refresh_auth=` argument for the project's one token function, what the finding says,
    and why the argument is left out when the function's name means something else at the call."""
    if len(tokens) != 1:
        several = ("; several functions fetch a token (" + ", ".join(t.where for t in tokens) + "), so none is "
                   "passed") if tokens else ""
        return (), several + _NO_REFRESH, None
    token = tokens[0]
    # No `name: value` in the text: the output redaction takes a word after `..._token: ` for a secret.
    planned = (f"; passes refresh_auth={token.name}, so that a job outliving the access token gets a new one from "
               f"{token.where} on a 401 while polling")
    keyword = BoundKeyword("refresh_auth", token.name, token.line, planned, _NO_REFRESH)
    problem = binding_problem(ctx.tree, ctx.urls.resolver, call.node, keyword)
    if problem is not None:
        return (), keyword.left_out(problem), problem
    return (keyword,), planned, None


def _stream_message(why: str) -> str:
    return (f"Long call ({why}) streamed with httpx `stream(...)`: over the 240 s cut it fails, and the background "
            "API stores the whole response, so there is nothing to stream; not rewritten. Replace "
            "`with client.stream(METHOD, url, ...) as r:` by `r = visma_background.call(client.request, METHOD, "
            "url, ...)` (`await visma_background.call_async(...)` for an AsyncClient) and read `r.content` or "
            "`r.iter_bytes()`; the body is then held in memory")


def _sends_background_header(call: HttpCall) -> bool:
    headers = call.headers
    if not isinstance(headers, ast.Dict):
        return False
    return any(isinstance(k, ast.Constant) and str(k.value).lower().replace("_", "-") == "erp-api-background"
               for k in headers.keys)


def _subscription_finding(ctx: PythonContext, rule: Rule, call: HttpCall, why: str, extra: dict[str, Any]) -> Finding:
    message = (f"Long call ({why}): with --background-mode subscription, send `erp-api-background: "
               "subscription[:name=value,...]` (values the handler needs travel as these headers); the call then "
               "answers 202 {id, stateLocation} at once. Subscribe the Developer Portal's \"Visma net\" application "
               "to BACKGROUND_API_RESPONSE, and in the webhook listener read the custom headers, check statusCode "
               "(Finished with 400 is an endpoint error) and GET the contentLocation for the data")
    extra = {**extra, "background_mode": "subscription"}
    return ctx.finding(rule, call.node, message, fix=FixSafety.MANUAL, replacement="erp-api-background: subscription",
                       extra=extra)


def _paging_warnings(ctx: PythonContext, rule: Rule, finder: HttpCallFinder, call: HttpCall, large: float) -> list[Finding]:
    if not call.is_list_read:
        return []
    unpaged, size = finder.page_size(call)
    message = None
    if unpaged:
        message = (f"Unpaged list read of /{call.endpoint}: paging is mandatory, each call returns up to maxPageSize "
                   "records; time it with `vni-migrate probe` (a call over 240 s needs the background API)")
    elif size is not None and size >= large:
        message = (f"pageSize {size:g} on /{call.endpoint}: large pages can outlast the 240 s gateway cut; time it "
                   "with `vni-migrate probe` and pass --timings, or lower the page size")
    if message is None:
        return []
    finding = ctx.finding(rule, call.node, message, fix=FixSafety.MANUAL, extra={"endpoint": call.endpoint, "paging": True})
    finding.severity = Severity.WARNING
    return [finding]


# -- after the per-file phase: write the helper where rewritten calls import it ----------------------
def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    """One finding per helper location that a fixed VNI020 call needs: create it, or say why not."""
    wanted: dict[str, tuple[str, int]] = {}
    for result in ctx.results.values():
        if result.problem is not None:
            continue
        for finding in result.findings:
            if finding.rule == rule.id and finding.extra.get("fixed") and finding.extra.get("helper_path"):
                path, display = finding.extra["helper_path"], finding.extra["helper_display"]
                wanted[path] = (display, wanted.get(path, (display, 0))[1] + 1)
    out: list[Finding] = []
    shipped = helper_source()
    for path_text, (display, count) in sorted(wanted.items()):
        path = Path(path_text)
        message = f"Writes the background-API helper {HELPER_MODULE}.py used by {count} rewritten call(s)"
        if path.exists():
            try:
                current = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                current = None
            if current == shipped:
                continue
            out.append(_file_finding(rule, display, FixSafety.MANUAL, (
                f"{display} exists and differs from the helper vni-migrate ships; it was NOT overwritten. "
                "The rewritten calls use it: check it still offers call()/call_async(), or delete it and run fix again"
            ), ()))
            continue
        out.append(_file_finding(rule, display, FixSafety.REVIEW, message, (Edit(0, 0, shipped),), creates=True))
    return out


def _file_finding(rule: Rule, display: str, fix: FixSafety, message: str, edits: tuple[Edit, ...],
                  creates: bool = False) -> Finding:
    extra: dict[str, Any] = {"helper": True}
    if creates:
        extra["creates_file"] = True
    return Finding(rule=rule.id, severity=Severity.INFO, fix=fix, path=display, line=1, column=1, end_line=1,
                   end_column=1, message=message, edits=edits, snippet=f"{HELPER_MODULE} helper", extra=extra)


__all__ = ["KIND", "LANGUAGE", "endpoint_key", "findings", "project_findings", "validate_parameters"]
