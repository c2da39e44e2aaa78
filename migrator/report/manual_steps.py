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


# Each step lists the findings of the rules it is about (never findings whose message merely
# contains a word: "https" is in almost every message).
SUBSCRIPTION_RULES = {"VNI010", "VNI011", "VNI013", "VNI030"}
CREDENTIAL_RULES = {"VNI032", "VNI035"}
DEPLOYMENT_RULES = {"VNI006"}
HTTP_WEBHOOK_RULES = {"VNI014"}


def _of_rules(findings: list[dict[str, Any]], rules: set[str]) -> list[str]:
    return sorted({_where(f) for f in findings if f.get("rule") in rules}, key=_place_key)


def _place_key(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line) if line.isdigit() else 0)


def _listener(document: dict[str, Any], findings: list[dict[str, Any]], listener_url: str | None) -> str:
    """The listener URL given, else the one the allowlist check resolved, else where VNI011 found the
    listener in the code, else a placeholder (never the allowlist's "unknown (...)" text)."""
    if listener_url:
        return listener_url
    described = str((document.get("allowlist") or {}).get("listener") or "")
    if described and not described.lower().startswith("unknown"):
        return described
    routes = [f for f in findings if f.get("rule") == "VNI011"]
    if routes:
        return f"the public https URL of the listener at {_where(routes[0])}"
    return "<your https webhook listener URL>"


def _is_config(path: str) -> bool:
    p = PurePosixPath(path.replace("\\", "/"))
    return p.name.startswith(".env") or p.suffix.lower() in CONFIG_SUFFIXES or p.name in {"Dockerfile", "Procfile"}


def manual_steps(document: dict[str, Any], listener_url: str | None = None) -> list[dict[str, Any]]:
    """One entry per manual step: id, title, detail and the places in the code it concerns."""
    # a finding that creates a file (the background helper) points at a file that does not exist yet
    findings = [f for f in document["scan"].get("findings", [])
                if not f.get("suppressed") and not (f.get("extra") or {}).get("creates_file")]
    listener = _listener(document, findings, listener_url)
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
        "items": _of_rules(findings, SUBSCRIPTION_RULES),
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
        "items": _of_rules(findings, CREDENTIAL_RULES),
    })

    config_paths = sorted({f["path"] for f in findings if _is_config(f["path"])} | set(_of_rules(findings, DEPLOYMENT_RULES)))
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
        "items": _of_rules(findings, HTTP_WEBHOOK_RULES),
    })
    return steps
