"""VNI010: `erp-api-background: <webhook URL>` becomes `subscription:name=value,...`.

Per file: every value the URL carried (query arguments, interpolated path segments) moves into a
custom header; the finding names the manual step (a Developer Portal subscription to
BACKGROUND_API_RESPONSE pointing at the listener URL). The project phase (`webhook_listener`,
VNI011) re-renders the value with the listener route's parameter names when it finds the route.
"""

from __future__ import annotations

from typing import Any

from migrator.findings import Finding, FixSafety
from migrator.python.context import PythonContext, render_message
from migrator.rulefile import Rule
from migrator.webhooks.sender import (
    HEADER,
    Rendering,
    SenderSite,
    header_values,
    read_site,
    render,
)

KIND = "background-webhook-url"
LANGUAGE = "python"


def validate_parameters(parameters: dict) -> str | None:  # type: ignore[type-arg]
    return f"unknown parameter(s) {', '.join(sorted(parameters))}" if parameters else None


def sites(ctx: PythonContext) -> list[SenderSite]:
    """The webhook URLs sent as `erp-api-background` in this file."""
    if "background" not in ctx.text.lower():
        return []
    resolver = ctx.urls.resolver
    found = []
    for value in header_values(ctx.tree, resolver.nodes):
        site = read_site(value, ctx.text, ctx.index, resolver)
        if site is not None:
            found.append(site)
    return found


def manual_step(site: SenderSite, rendering: Rendering) -> str:
    # The Webhook Dispatcher delivers to https URLs only (domain.md section 7).
    if site.host:
        target = f"https://{site.host}{rendering.listener_path}"
    else:  # the URL is not readable here: never print a made-up address
        target = "your listener's https URL (the URL this code sends today, without the values that move into headers)"
    send = rendering.suggestion if rendering.suggestion and rendering.replacement is None else None
    return ((f"send {send} as the {HEADER} value; " if send else "")
            + f"create a webhook subscription in the Developer Portal for BACKGROUND_API_RESPONSE pointing at {target}"
            + (" (it was http: the listener must be reachable over https)" if site.scheme.lower() == "http" else "")
            + "; each tenant must approve the webhook scopes of your application in the Visma App Store")


def describe(rule: Rule, site: SenderSite, rendering: Rendering, listener: str | None) -> tuple[str, FixSafety]:
    """The finding's message and fix safety for one rendering."""
    headers = ", ".join(f"{p.name} (from {p.origin} {p.key})" for p in rendering.pairs) or "none"
    message = render_message(rule, url=site.display, new=rendering.replacement or "subscription:...")
    if rendering.problems:
        reasons = "; ".join(dict.fromkeys(rendering.problems))
        return (f"{message}. Not fixed automatically: {reasons}. Manual step: {manual_step(site, rendering)}", FixSafety.MANUAL)
    where = listener or "no listener route for this URL was found in the code base; make the listener read them from headers"
    text = (f"{message}. Custom headers: {headers}; listener: {where}. Manual step: {manual_step(site, rendering)}. "
            "Review: values must never contain ',' or '='")
    return text, rule.fix


def extra(site: SenderSite, rendering: Rendering) -> dict[str, Any]:
    data: dict[str, Any] = {"webhook": site.extra(), "headers": {p.name: p.key for p in rendering.pairs}}
    data["listener_path"] = rendering.listener_path
    return data


WITHHELD = "background-webhook-url:withheld"  # settings key: display -> sources of values the project phase made manual


def findings(ctx: PythonContext, rule: Rule) -> list[Finding]:
    out: list[Finding] = []
    withheld = ctx.settings.get(WITHHELD, {}).get(ctx.path, ())
    for site in sites(ctx):
        rendering = render(site)
        message, fix = describe(rule, site, rendering, None)
        edits = []
        if ctx.text[slice(*ctx.index.node_span(site.target))] in withheld:
            # the project phase found the listener and could not rewrite it: sender and listener stay together
            message, fix = message + " (withheld: see the listener finding)", FixSafety.MANUAL
        elif rendering.replacement is not None:
            from migrator.findings import Edit

            start, end = ctx.index.node_span(site.target)
            edits.append(Edit(start, end, rendering.replacement))
        out.append(ctx.finding(rule, site.value, message, edits, fix=fix, replacement=rendering.replacement,
                               extra=extra(site, rendering)))
    return out


__all__ = ["HEADER", "findings", "sites"]
