"""VNI011: the listener serving a background webhook URL reads the moved values from headers.

A project-wide kind. It takes the VNI010 (background-webhook-url) findings of the per-file phase,
finds the route that serves each sender's URL (Flask, FastAPI/Starlette, Django), and returns:
the listener edits (route literal, handler parameters, query reads) as VNI011 findings, and a
replacement VNI010 finding for the sender whose headers are named after the route's parameters.
Sender and listener are fixed together or not at all: when either side cannot be rewritten (or is
suppressed, or its fix would not parse) both become manual findings that say why.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from migrator.codemods import background_webhook
from migrator.edits import apply_edits, select_edits
from migrator.findings import Edit, Finding, FixSafety, Severity
from migrator.python.context import PythonContext
from migrator.rulefile import Rule
from migrator.suppression import apply_suppressions, find_suppressions
from migrator.webhooks import django, fastapi, flask, signature
from migrator.webhooks.dispatch import dispatch
from migrator.webhooks.routes import (
    ListenerPlan,
    Module,
    Route,
    best_route,
    moved_segments,
)
from migrator.webhooks.sender import Rendering, SenderSite, render

KIND = "webhook-listener-args"
LANGUAGE = "project"
SENDER_KIND = background_webhook.KIND
# Rules whose kinds must run beside this one for its rule-file examples (sender + listener).
EXAMPLE_KINDS = (SENDER_KIND,)

_MARKERS = (b"route", b"path(", b"flask", b"fastapi")


def route_candidate(path: Path, lowered: bytes) -> bool:
    """A Python file that may declare web routes.

    Not a runner `prefilter`: checking these words in every file the runner reads costs more than
    the whole candidate check (measured: 1.3 s vs 3.0 s on ~15,500 files), and it only matters when
    the tree sends a background webhook URL, so the files are read here, then, instead."""
    return any(marker in lowered for marker in _MARKERS)


def _route_files(ctx: Any) -> set[Path]:
    found: set[Path] = set()
    for path, _ in ctx.files:
        if path.suffix != ".py":
            continue
        try:
            lowered = path.read_bytes()[:2_000_000].lower()
        except OSError:
            continue
        if route_candidate(path, lowered):
            found.add(path)
    return found


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def _module(ctx: Any, path: Path, display: str) -> Module | None:
    parsed = ctx.python(display, path)
    if parsed is None:
        return None
    source, tree = parsed
    return Module(Path(display), display, source.text, tree)


def _routes(ctx: Any, modules: list[Module]) -> list[Route]:
    found: list[Route] = []
    registered = flask.registrations(modules)
    prefixes = fastapi.inclusions(modules)
    for module in modules:
        found.extend(flask.routes(module, registered))
        found.extend(fastapi.routes(module, prefixes))
    python = [(p, d) for p, d in ctx.files if p.suffix == ".py"]

    def load(dotted: str) -> Module | None:
        tail = "/" + dotted.replace(".", "/")
        for path, display in python:
            stem = path.with_suffix("").as_posix()
            if stem.endswith((tail, tail + "/__init__")):
                return _module(ctx, path, display)
        return None

    found.extend(django.routes(list(modules), load))
    return found


def _plan(route: Route, rendering: Rendering) -> ListenerPlan:
    planner = {"flask": flask.plan, "fastapi": fastapi.plan, "starlette": fastapi.plan, "django": django.plan}[route.framework]
    return planner(route, rendering)


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    sender_rule = next((r for r in ctx.rules if r.kind == SENDER_KIND), None)
    if sender_rule is None:
        return []
    senders = [(display, result) for display, result in ctx.results.items()
               if any(f.rule == sender_rule.id and "webhook" in f.extra for f in result.findings)]
    if not senders:
        return []
    paths = {display: path for path, display in ctx.files}
    wanted = _route_files(ctx) | {paths.get(d, Path(d)) for d, _ in senders}
    modules: dict[str, Module] = {}
    for path in sorted(wanted):
        display = ctx.display(path)
        module = _module(ctx, path, display)
        if module is not None:
            modules[display] = module
    routes = _routes(ctx, list(modules.values()))
    file_rules = [r for r in ctx.rules if getattr(_kinds().get(r.kind), "LANGUAGE", "python") == "python"]
    out: list[Finding] = []
    decided: dict[str, list[Finding]] = {}  # findings already returned, by file: later pairs verify with them
    for display, result in senders:
        module = modules.get(display)
        if module is None:
            continue
        ctx_file = PythonContext(display, module.text, module.tree, [sender_rule])
        by_start = {ctx_file.index.node_span(s.value)[0]: s for s in background_webhook.sites(ctx_file)}
        for finding in [f for f in result.findings if f.rule == sender_rule.id and "webhook" in f.extra]:
            start = ctx_file.index.offset(finding.line, 0) + finding.column - 1
            site = by_start.get(start)
            if site is None or not site.scheme:
                continue
            found = _pair(ctx, rule, sender_rule, ctx_file, site, finding, result, routes, file_rules, decided)
            for f in found:
                decided.setdefault(f.path, []).append(f)
            out.extend(found)
    out.extend(dispatch(out, rule.id))  # several listeners for one subscription
    return out


def _params_left(route: Route, rendering: Rendering) -> int:
    """How many parameters the handler keeps after the rewrite (moved path parameters go)."""
    if route.handler is None:
        return -1
    args = route.handler.args
    names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    moved = {p.key for p in rendering.pairs if p.origin == "path"}
    extra = int(args.vararg is not None) + int(args.kwarg is not None)
    return len([n for n in names if n not in moved]) + extra


def _kinds() -> Mapping[str, Any]:
    from migrator.codemods import KINDS

    return KINDS


def _pair(ctx, rule: Rule, sender_rule: Rule, sender: PythonContext, site: SenderSite, finding: Finding,  # type: ignore[no-untyped-def]
          result, routes: list[Route], file_rules: list[Rule], decided: dict[str, list[Finding]]) -> list[Finding]:
    route, ambiguity = best_route(site, routes)
    if route is None:
        if ambiguity:
            finding.message += f" ({ambiguity}; the headers are named after the sender's variables)"
        return []
    moved = moved_segments(site, route)
    rendering = render(site, {i: seg.param for i, seg in moved.items() if seg.param})
    plan = _plan(route, rendering)
    rendering.listener_path = plan.listener_path
    where = route.where()
    problems = list(rendering.problems) + plan.problems
    if finding.suppressed:
        problems.append(f"the sender at {sender.path}:{finding.line} is suppressed")
    listener_findings = _listener_findings(ctx, rule, route, plan, rendering, site, sender.path)
    if any(f.suppressed for f in listener_findings):
        problems.append(f"the listener at {where} is suppressed")
    new_sender_edits: list[Edit] = []
    if not problems and rendering.replacement is not None:
        start, end = sender.index.node_span(site.target)
        new_sender_edits = [Edit(start, end, rendering.replacement)]
        problems.extend(_verify_together(ctx, file_rules, sender.path, result, finding, new_sender_edits, plan, decided))
    message, fix = background_webhook.describe(sender_rule, site, rendering, where)
    if problems and fix is not FixSafety.MANUAL:
        reasons = "; ".join(dict.fromkeys(problems))
        message = (f"{background_webhook.render_message(sender_rule, url=site.display, new=rendering.replacement or 'subscription:...')}"
                   f". Not fixed automatically: {reasons}. Manual step: {background_webhook.manual_step(site, rendering)}")
        fix = FixSafety.MANUAL
    if fix is FixSafety.MANUAL:
        new_sender_edits = []
        withheld = ctx.settings.setdefault(background_webhook.WITHHELD, {})
        withheld.setdefault(sender.path, set()).add(sender.text[slice(*sender.index.node_span(site.target))])
        for listener in listener_findings:
            listener.fix, listener.edits, listener.structural = FixSafety.MANUAL, (), ()
            listener.message += " Not fixed automatically: " + "; ".join(dict.fromkeys(problems or rendering.problems))
    replacement = sender.finding(sender_rule, site.value, message, new_sender_edits, fix=fix,
                                 replacement=rendering.replacement if new_sender_edits else None,
                                 extra={**background_webhook.extra(site, rendering), "listener": where})
    replacement.suppressed = finding.suppressed
    notes = _signature_findings(ctx, rule, route, plan, fixing=bool(new_sender_edits))
    if new_sender_edits:  # the merge adds it to the sender's findings and recomputes that file's fix
        result.findings.remove(finding)
        link = f"{rule.id}:{sender.path}:{site.value.lineno}:{site.value.col_offset}"
        helpers = _helper_findings(rule, plan)
        for half in (replacement, *listener_findings, *helpers):  # sender, listener, helper: all files or none
            half.extra["link"] = link
        return [replacement, *listener_findings, *helpers, *notes]
    _replace(ctx, result, finding, replacement)
    return [*listener_findings, *notes]


def _signature_findings(ctx, rule: Rule, route: Route, plan: ListenerPlan, fixing: bool) -> list[Finding]:  # type: ignore[no-untyped-def]
    """The manual step about the signature: what the rewrite checks and what is not confirmed, or
    the recipe for a framework whose handler is not rewritten for it."""
    anchor: ast.AST
    if route.handler is not None and route.handler_module is not None:
        module, anchor = route.handler_module, route.handler
    else:
        module, anchor = route.module, route.literal
    start, end = module.span(anchor)
    end = min(end, start + len(module.text[start:end].split("\n", 1)[0]))
    line, column = module.index.position(start)
    end_line, end_column = module.index.position(end)
    message = signature.UNCONFIRMED if plan.signature == "checked" and fixing else signature.recipe(route.framework)
    return [Finding(rule.id, Severity.WARNING, FixSafety.MANUAL, module.display, line, column, end_line, end_column,
                    message, snippet="webhook signature " + module.text[start:end][:200],
                    extra={"signature": plan.signature or route.framework, "framework": route.framework})]


def _helper_findings(rule: Rule, plan: ListenerPlan) -> list[Finding]:
    """Create the signature helper where the rewritten listener imports it (never overwrite one)."""
    out: list[Finding] = []
    for path_text, (display, source) in sorted(plan.helpers.items()):
        path = Path(path_text)
        if path.exists():
            try:
                same = path.read_text(encoding="utf-8") == source
            except (OSError, UnicodeDecodeError):
                same = False
            if not same:
                out.append(Finding(rule.id, Severity.WARNING, FixSafety.MANUAL, display, 1, 1, 1, 1,
                                   f"{display} exists and differs from the signature helper vni-migrate ships; it "
                                   "was NOT overwritten. The rewritten listener uses its signature_ok(body, headers)",
                                   snippet=f"{signature.HELPER_MODULE} helper", extra={"helper": True}))
            continue
        out.append(Finding(rule.id, Severity.INFO, FixSafety.REVIEW, display, 1, 1, 1, 1,
                           f"Writes the webhook signature helper {signature.HELPER_FILE} used by the rewritten listener",
                           edits=(Edit(0, 0, source),), snippet=f"{signature.HELPER_MODULE} helper",
                           extra={"helper": True, "creates_file": True}))
    return out


def _listener_findings(ctx, rule: Rule, route: Route, plan: ListenerPlan, rendering: Rendering,  # type: ignore[no-untyped-def]
                       site: SenderSite, sender_path: str) -> list[Finding]:
    out: list[Finding] = []
    headers = ", ".join(f"{p.name} (was {p.origin} {p.key})" for p in rendering.pairs)
    notes = ("; " + "; ".join(dict.fromkeys(plan.notes))) if plan.notes else ""
    displays = list(dict.fromkeys([*plan.edits, *plan.requests])) or [route.module.display]
    for display in displays:
        module = plan.modules.get(display, route.module)
        anchor = plan.anchors.get(display, route.handler or route.literal)
        start, end = module.span(anchor)
        end = min(end, start + len(module.text[start:end].split("\n", 1)[0]))  # the def line, not the body
        line, column = module.index.position(start)
        end_line, end_column = module.index.position(end)
        message = (f"The background webhook sent by {sender_path} ({site.display}) now carries {headers} as headers: "
                   f"this listener must read them from headers, and its route becomes {plan.listener_path}{notes}.")
        finding = Finding(rule.id, rule.severity, rule.fix, display, line, column, end_line, end_column, message,
                          tuple(sorted(set(plan.edits.get(display, [])), key=lambda e: (e.start, e.end))),
                          snippet=module.text[start:end][:500], structural=tuple(plan.requests.get(display, [])),
                          extra={"route": route.template, "listener_path": plan.listener_path, "framework": route.framework,
                                 "headers": {p.name: p.key for p in rendering.pairs}, "sender": sender_path,
                                 "handler": route.handler.name if route.handler else "",
                                 "handler_params": _params_left(route, rendering)})
        apply_suppressions([finding], find_suppressions(module.text, module.tree))
        out.append(finding)
    return out


def _verify_together(ctx, file_rules: list[Rule], sender_display: str, result, old: Finding,  # type: ignore[no-untyped-def]
                     sender_edits: list[Edit], plan: ListenerPlan, decided: dict[str, list[Finding]]) -> list[str]:
    """Apply both sides as the merge will (with --unsafe-fixes); reasons why either fails, if any."""
    from migrator.engine import (  # the engine imports the kinds: import late
        VerificationError,
        verify,
    )

    problems: list[str] = []
    changes: dict[str, list[Edit]] = {sender_display: sender_edits}
    for display, edits in plan.edits.items():
        changes.setdefault(display, []).extend(edits)
    paths = {display: path for path, display in ctx.files}
    for display, edits in changes.items():
        existing = ctx.results.get(display)
        others = [f for f in (existing.findings if existing else []) if f is not old] + decided.get(display, [])
        if existing is not None and existing.problem is not None:
            problems.append(f"{display} could not be processed")
            continue
        probe = Finding("VNI011", old.severity, FixSafety.REVIEW, display, 1, 1, 1, 1, "", tuple(edits))
        chosen, fixed = select_edits([*others, probe], unsafe=True)
        if probe not in fixed:
            problems.append(f"the edits in {display} overlap another fix")
            continue
        source = ctx.source(display, paths.get(display, Path(display)))
        if source is None:
            problems.append(f"{display} cannot be read")
            continue
        try:
            verify(display, apply_edits(source.text, chosen), file_rules, True, ctx.settings)
        except (VerificationError, SyntaxError, ValueError, RecursionError) as exc:
            problems.append(f"the rewrite of {display} would not verify ({exc})")
    return problems


def _replace(ctx, result, old: Finding, new: Finding) -> None:  # type: ignore[no-untyped-def]
    """Swap the per-file sender finding for a manual one, withdrawing its fix from the file's new
    text (the merge only recomputes files that get new edits)."""
    result.findings[result.findings.index(old)] = new
    if not old.extra.get("fixed") or not result.changes_file:
        return
    before = result.old_text
    if before is None:  # a scan that keeps no texts: only whether the file still changes matters
        source = ctx.source(result.path, Path(result.file or result.path))
        if source is None:
            return
        before = source.text
    chosen, fixed = select_edits(result.findings, unsafe=True)
    text = apply_edits(before, chosen)
    for finding in fixed:
        finding.extra["fixed"] = True
    if text == before:
        result.drop_texts()
    elif result.texts_dropped:
        result.drop_texts(still_changes=True)
    else:
        result.new_text = text
