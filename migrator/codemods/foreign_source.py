"""VNI051: old VNI URLs, split prefixes, retired endpoints and VNI headers in C#, PHP, JavaScript,
TypeScript, Java and Go source (tree-sitter; `pip install 'vni-migrate[languages]'`).

A project-wide kind: the runner only parses Python, so source files of other languages are read
here, after a cheap byte check. Safe fixes: a literal holding a whole old or half-migrated URL, and
a base constant with the paths joined to it when every use of the constant in the file is such a
join and the constant cannot be reassigned (`const`, `final`, `readonly`, `define`). Otherwise the
fix needs review, or the finding says what a person must do. A missing grammar is reported once
per language and run, naming how many files it left unanalysed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrator import urls
from migrator.edits import apply_edits, select_edits
from migrator.findings import Edit, FileProblem, Finding, FixSafety, Severity
from migrator.languages import LanguageSpec, spec_for
from migrator.languages.treesitter import Analysis, GrammarMissing, analyse, parser_for
from migrator.prefilter import file_has
from migrator.python.context import render_message
from migrator.retired_endpoints import retired_advice
from migrator.rulefile import Rule
from migrator.spans import SpanText

KIND = "foreign-source"
LANGUAGE = "project"
_NEEDLES = (b"visma", b"controller/api", b"ipp-", b"erp-api-background", b"erp_api_background")
# `prefilter` tags no file that holds none of these (the runner's byte search finds the rest)
SCREEN_NEEDLES = _NEEDLES
PYTHON_SCREEN_NEEDLES = ()  # it reads no Python file
_MAX_BYTES = 2_000_000


def validate_parameters(parameters: dict[str, Any]) -> str | None:
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def screens(path: Path) -> bool:
    """Files the runner should read for this kind while screening (by name only)."""
    return spec_for(path) is not None


def prefilter(path: Path, lowered: bytes) -> tuple[str, ...]:
    return ("candidate",) if spec_for(path) is not None and any(n in lowered for n in _NEEDLES) else ()  # the name first: cheaper


def project_findings(ctx, rule: Rule) -> list[Finding]:  # type: ignore[no-untyped-def]
    out: list[Finding] = []
    missing: dict[str, list[str]] = {}
    for path, display in ctx.files:
        spec = spec_for(path)
        if spec is None or not ctx.tagged(KIND, "candidate", path, lambda: file_has(path, _NEEDLES, _MAX_BYTES)):  # noqa: B023
            continue
        source = ctx.source(display, path)
        if source is None:
            continue
        try:
            analysis = analyse(spec, source.text)
        except GrammarMissing:
            missing.setdefault(spec.name, []).append(display)
            continue
        except RecursionError:
            ctx.problems.append(FileProblem(display, f"{rule.id}: too deeply nested to analyse; file left untouched"))
            continue
        found = file_findings(rule, spec, SpanText(display, source.text), analysis)
        problem = _verify(spec, source.text, found)
        if problem is not None:
            ctx.problems.append(FileProblem(display, f"{rule.id}: {problem}; its URLs were not rewritten"))
            for finding in found:
                finding.edits, finding.fix = (), FixSafety.MANUAL
        out.extend(found)
    for language, files in missing.items():
        ctx.problems.append(FileProblem(
            files[0],
            f"the tree-sitter grammar for {language} is not installed (pip install 'vni-migrate[languages]'); "
            f"{len(files)} {language} file(s) with Visma references were not analysed",
        ))
    return out


def _shown(value: str) -> str:
    """A joined value for a one-line message: outer whitespace dropped, control characters escaped."""
    return value.strip().replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _verify(spec: LanguageSpec, text: str, found: list[Finding]) -> str | None:
    """None when the rewritten file parses as well as before and a second analysis edits nothing."""
    edits, _ = select_edits([f for f in found if not f.suppressed], unsafe=True)
    if not edits:
        return None
    new_text = apply_edits(text, edits)
    if parser_for(spec).parse(new_text.encode("utf-8")).root_node.has_error and not parser_for(spec).parse(text.encode("utf-8")).root_node.has_error:
        return f"the rewritten file would no longer parse as {spec.name}"
    again = analyse(spec, new_text)
    if any(site.edits for site in again.sites):
        return "a second pass would change the file again (internal error)"
    return None


def file_findings(rule: Rule, spec: LanguageSpec, span: SpanText, analysis: Analysis) -> list[Finding]:
    """The findings of one analysed source file."""
    out: list[Finding] = []
    consumed: dict[str, int] = {}
    for site in analysis.sites:
        if site.edits:
            for name in site.via:
                consumed[name] = consumed.get(name, 0) + 1
    for site in analysis.sites:
        if site.retired is not None:
            advice = retired_advice(site.retired) or ""
            out.append(span.finding(rule, site.start, site.end, f"Retired VNI endpoint ({advice}): {_shown(site.old)}",
                                    fix=FixSafety.MANUAL, extra={"old_url": site.old, "retired": True, "language": spec.name}))
            continue
        if site.unresolved is not None:
            out.append(span.finding(
                rule, site.start, site.end,
                f"This path keeps the old /controller/api prefix and is joined to {site.unresolved}, which is not "
                "defined in this file; migrate the base and drop the prefix from the path together",
                fix=FixSafety.MANUAL, extra={"base_name": site.unresolved, "language": spec.name},
            ))
            continue
        message = render_message(rule, old=_shown(site.old), new=_shown(site.new), language=spec.name)
        fix = rule.fix
        reasons = []
        for name in sorted(site.via):
            if name not in analysis.constants:
                reasons.append(f"{name} is not a constant and may be reassigned")
            if analysis.references.get(name, 0) > consumed.get(name, 0):
                reasons.append(f"{name} is also used where the tool cannot follow it")
        if site.problem:
            fix = FixSafety.MANUAL
            message += f" (not fixed automatically: {site.problem})"
        elif reasons and fix is FixSafety.SAFE:
            fix = FixSafety.REVIEW
            message += " (review: " + "; ".join(reasons) + ")"
        extra = {"url": site.new, "old_url": site.old, "maps_to": site.maps_to, "language": spec.name,
                 "join": "split" if site.via else "literal", "proved": not reasons and not site.problem}
        if site.via:
            extra["base"] = sorted(site.via)
        out.append(span.finding(rule, site.start, site.end, message, site.edits, fix=fix, replacement=site.new, extra=extra))
    for start, end, value, name in analysis.partial_bases:
        out.append(span.finding(
            rule, start, end,
            f"{name or 'This string'} = {value!r} ends inside the old /API/controller/api prefix; the paths joined "
            "to it were not found in this file. Change it to https://api.finance.visma.net/ together with those paths",
            fix=FixSafety.MANUAL, extra={"partial_base": True, "language": spec.name},
        ))
    # ipp-* headers belong to the Financials API: a file that talks only to another Visma host
    # (salesorder.visma.net, journaltx.visma.net) keeps them; each header is reported once per line.
    lowered = span.text.lower()
    financials = any(host in lowered for host in ("integration.visma.net", "api.finance.visma.net"))
    other_host = any(host in lowered for host in urls.FOREIGN_VISMA_HOSTS)
    reported: set[tuple[str, int]] = set()
    for header in analysis.headers:
        if header.name.lower().startswith("ipp-"):
            if other_host and not financials:
                continue
            key = (header.name.lower(), span.index.position(header.start)[0])
            if key in reported:
                continue
            reported.add(key)
        found = _header_finding(rule, span, header, spec)
        if found is not None:
            out.append(found)
    return out


def _header_finding(rule: Rule, span: SpanText, header: Any, spec: LanguageSpec) -> Finding | None:
    name = header.name.lower()
    extra = {"header": header.name, "language": spec.name}
    if name in ("ipp-company-id", "ipp-application-type"):
        finding = span.finding(
            rule, header.start, header.end,
            f"Header {header.name} was sent on every VNI call; with Visma Connect the company comes from tenant_id "
            "in the token request and API Management declares only OAuth. Remove it (whether the gateway ignores "
            "it is undocumented)",
            fix=FixSafety.MANUAL, extra=extra,
        )
        finding.severity = Severity.WARNING
        return finding
    if name == "erp_api_background":
        edits = [Edit(header.text_start, header.text_start + len(header.name), "erp-api-background")] if header.text_start is not None else []
        return span.finding(
            rule, header.start, header.end,
            "Header erp_api_background is spelled erp-api-background on the wire; proxies such as nginx drop "
            "headers with underscores by default",
            edits, fix=FixSafety.REVIEW if edits else FixSafety.MANUAL, replacement="erp-api-background", extra=extra,
        )
    value = (header.value or "").strip()
    if value.lower().startswith(("http://", "https://")):
        return span.finding(
            rule, header.start, header.end,
            f"erp-api-background: {value} sends the result to a webhook URL, deprecated since 2025-04-30; use "
            "'none' (poll /v1/background/{id}) or 'subscription[:name=value,...]' with a Developer Portal subscription",
            fix=FixSafety.MANUAL, extra={**extra, "value": value},
        )
    return None
