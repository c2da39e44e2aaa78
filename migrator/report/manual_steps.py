"""The checklist of steps no code change can do, filled in with what the audit found."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

SENDER_IPS = ("18.202.121.26", "34.242.104.102", "54.220.26.45")
NEEDS_CHANGE = {"BLOCKS", "PARTIAL", "SEES_PROXY_IP", "UNKNOWN"}
CONFIG_SUFFIXES = {
    ".env", ".ini", ".cfg", ".conf", ".toml", ".yaml", ".yml", ".json", ".properties", ".tf", ".tfvars", ".xml",
}


def _where(finding: dict[str, Any]) -> str:
    return f"{finding['path']}:{finding['line']}"


def _mentions(finding: dict[str, Any], *words: str) -> bool:
    text = f"{finding.get('rule', '')} {finding.get('message', '')}".lower()
    return any(word in text for word in words)


def _is_config(path: str) -> bool:
    p = PurePosixPath(path.replace("\\", "/"))
    return p.name.startswith(".env") or p.suffix.lower() in CONFIG_SUFFIXES or p.name in {"Dockerfile", "Procfile"}


def manual_steps(document: dict[str, Any], listener_url: str | None = None) -> list[dict[str, Any]]:
    """One entry per manual step: id, title, detail and the places in the code it concerns."""
    findings = [f for f in document["scan"].get("findings", []) if not f.get("suppressed")]
    listener = listener_url or (document.get("allowlist") or {}).get("listener") or "<your https webhook listener URL>"
    steps: list[dict[str, Any]] = []

    steps.append({
        "id": "developer-portal-subscription",
        "title": "Subscribe to BACKGROUND_API_RESPONSE in the Developer Portal",
        "detail": (
            "In the Visma Developer Portal, on the \"Visma net\" application, add a webhook subscription for the "
            f"event BACKGROUND_API_RESPONSE with the listener URL {listener}. Subscriptions can no longer be made "
            "through the API (the /resources/v1/subscription endpoints stopped on 2025-04-30). Values that used to "
            "travel in the webhook URL go into `erp-api-background: subscription:name=value,...` headers."
        ),
        "items": sorted({_where(f) for f in findings if _mentions(f, "subscription", "background", "webhook", "event")}),
    })

    allowlist = document.get("allowlist")
    if allowlist is None:
        items = [("Allowlist not checked: look at every firewall, security group, WAF, proxy and app filter "
                 "in front of the listener.")]
    else:
        items = []
        for layer in allowlist.get("layers", []):
            if layer.get("verdict") in NEEDS_CHANGE:
                missing = ", ".join(layer.get("missing") or SENDER_IPS)
                line = f"{layer['path']}:{layer.get('line')} ({layer.get('format')}): {layer['verdict']}, let through {missing}"
                items.append(line)
                items.extend(f"  add: {text}" for text in layer.get("manual_lines", []) or [])
    steps.append({
        "id": "allowlist",
        "title": "Let the three Webhook Dispatcher IPs reach the listener",
        "detail": (
            f"Every layer that filters inbound traffic to {listener} must let {', '.join(SENDER_IPS)} through, "
            "including layers outside this repository (cloud consoles, corporate firewalls)."
        ),
        "items": items,
    })

    steps.append({
        "id": "visma-connect-credentials",
        "title": "Create Visma Connect credentials and refresh tokens",
        "detail": (
            "Register the integration in the Developer Portal and use Visma Connect "
            "(https://connect.visma.com/connect/token): client_credentials with tenant_id and the "
            "vismanet_erp_service_api scopes for services, or authorization_code with offline_access for "
            "interactive apps. Access tokens expire (60 minutes unless configured): refresh them instead of "
            "keeping the token fetched at start-up. Store the client secret in the deployment's secret store."
        ),
        "items": sorted({_where(f) for f in findings if _mentions(f, "token", "oauth", "auth", "connect", "tenant")}),
    })

    config_paths = sorted({f["path"] for f in findings if _is_config(f["path"])})
    steps.append({
        "id": "environment-variables",
        "title": "Change environment variables in each deployment",
        "detail": (
            "Base URLs and credentials often live outside the code: set https://api.finance.visma.net/ (without "
            "API/controller/api/) and the Visma Connect client id/secret in every environment: development, test, "
            "production, CI secrets, container and Helm values, serverless settings. The tool only sees this "
            "repository."
        ),
        "items": config_paths,
    })

    steps.append({
        "id": "https-webhooks",
        "title": "Serve webhooks over https",
        "detail": (
            "Webhook URLs over http are deprecated since 2025-04-30: the listener needs a valid TLS certificate "
            "and the Developer Portal subscription must use its https URL."
        ),
        "items": sorted({_where(f) for f in findings if _mentions(f, "http://", "https")}),
    })
    return steps
