"""What to tell users about VNI endpoints that API Management does not serve (domain.md section 2)."""

from __future__ import annotations

import re

from migrator.urls import RETIRED_RE

_ADVICE = (
    (re.compile(r"/resources/v1/(?:event|subscription)", re.IGNORECASE),
     ("webhook events and subscriptions stopped on 2025-04-30; subscriptions now live only in the Visma "
     "Developer Portal, there is no API replacement")),
    (re.compile(r"/resources/oauth/authorize", re.IGNORECASE),
     ("VNI OAuth is retired; authorize at https://connect.visma.com/connect/authorize (Visma Connect: "
     "the token response and expiry differ, the auth flow must change)")),
    (re.compile(r"/security/api/v\d+/token", re.IGNORECASE),
     ("VNI OAuth is retired; request access tokens from https://connect.visma.com/connect/token (standard "
     "access_token and expires_in; tokens expire, client_credentials needs tenant_id)")),
    (re.compile(r"/resources/v1/(?:context|notification|servicestatus)", re.IGNORECASE),
     "no API Management equivalent: a Visma Connect token is bound to one tenant (inferred)"),
    (re.compile(r"/security/api/", re.IGNORECASE),
     "no API Management equivalent (inferred); authentication moved to Visma Connect"),
)


def retired_advice(url: str) -> str | None:
    """Advice for a string that names a retired endpoint, or None when it names none."""
    match = RETIRED_RE.search(url)
    if match is None:
        return None
    tail = url[match.start() :]
    for pattern, advice in _ADVICE:
        if pattern.search(tail):
            return advice
    return "this VNI endpoint has no documented API Management equivalent (unknown); rework by hand"
