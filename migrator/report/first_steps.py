"""The report's "do this first" list: what to do, in order of deadline, then of harm.

Harm ranks what a customer loses if the item is left: webhooks that silently stop arriving and
calls cut at 240 s lose data; an auth flow that is gone stops the integration; base URLs stop
working when the old host is shut down; review items and unknowns come after the rest.
"""

from __future__ import annotations

from typing import Any

# (deadline, harm rank): lower sorts first; deadlines from the Visma announcements the report shows
_WEBHOOKS_LOST = ("2025-04-30", 0)
_CALLS_CUT = ("2025-04-30", 1)
_AUTH_GONE = ("2025-12-31", 0)
_BASE_URL = ("2025-12-31", 1)
_REVIEW = ("2025-12-31", 2)
_MANUAL = ("2026-02-01", 3)
_UNKNOWN = ("2026-02-01", 4)

BLOCKING_LAYERS = {"BLOCKS", "PARTIAL", "SEES_PROXY_IP"}
AUTH_RULES = {"VNI032", "VNI035"}
WEBHOOK_RULES = {"VNI010", "VNI011", "VNI013", "VNI014", "VNI030", "VNI040"}


def first_steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Items {title, why, deadline, count}: at most one per kind of work, most urgent first."""
    findings = [f for f in document["scan"].get("findings", []) if not f.get("suppressed")]
    items: list[tuple[tuple[str, int], dict[str, Any]]] = []

    def add(key: tuple[str, int], title: str, why: str, count: int) -> None:
        if count:
            items.append((key, {"title": title, "why": why, "deadline": key[0], "count": count}))

    layers = [layer for layer in (document.get("allowlist") or {}).get("layers", []) or [] if layer.get("verdict") in BLOCKING_LAYERS]
    add(_WEBHOOKS_LOST, "Let the three Webhook Dispatcher IPs through your allowlists",
        "A layer that blocks them drops webhooks silently: background results and events never arrive.", len(layers))
    webhooks = [f for f in findings if f.get("rule") in WEBHOOK_RULES]
    add(_WEBHOOKS_LOST, "Move webhook subscriptions and listeners to the new background API form",
        "erp-api-background: <URL>, http webhook URLs and the subscription endpoints are deprecated.", len(webhooks))
    slow = [e for e in (document.get("probe") or {}).get("endpoints", []) or [] if e.get("verdict") in ("EXCEEDS", "APPROACHING")]
    long_calls = [f for f in findings if f.get("rule") == "VNI020"]
    add(_CALLS_CUT, "Send the long calls through the background API",
        "API Management cuts synchronous requests at 240 s; those calls fail with a timeout.", len(slow) + len(long_calls))
    auth = [f for f in findings if f.get("rule") in AUTH_RULES]
    add(_AUTH_GONE, "Switch authentication to Visma Connect",
        "The VNI OAuth endpoints are gone; without Visma Connect tokens no call gets through.", len(auth))
    safe = [f for f in findings if f.get("fix") == "safe" and f.get("fixable")]
    add(_BASE_URL, "Run vni-migrate fix and commit the result",
        "The safe fixes move every proved URL to https://api.finance.visma.net; nothing else changes.", len(safe))
    review = [f for f in findings if f.get("fix") == "review" and f.get("fixable")]
    add(_REVIEW, "Review vni-migrate fix --diff --unsafe-fixes and apply it",
        "These fixes are proposed but depend on code the tool cannot prove; read each diff.", len(review))
    listed = AUTH_RULES | WEBHOOK_RULES | {"VNI020"}
    manual = [f for f in findings if f.get("fix") == "manual" and f.get("rule") not in listed]
    add(_MANUAL, "Do the remaining manual steps",
        "Deployment settings, retired endpoints and headers that no code change can settle; see Manual steps.", len(manual))
    unknowns = (document.get("score") or {}).get("unknowns", []) or []
    add(_UNKNOWN, "Check what the audit could not",
        "Unknown is never ready: " + "; ".join(unknowns[:3]) + ("; ..." if len(unknowns) > 3 else ""), len(unknowns))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]
