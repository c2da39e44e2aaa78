"""Credentials come only from the environment, never from arguments (they would land in shell history).

Either `VISMA_ACCESS_TOKEN` (a bearer token), or `VISMA_CLIENT_ID`, `VISMA_CLIENT_SECRET` and
`VISMA_TENANT_ID` for a Visma Connect client_credentials token (`VISMA_TOKEN_URL`, `VISMA_SCOPE`
optional). Nothing here ever puts a token or secret into a message or repr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

ENV_TOKEN = "VISMA_ACCESS_TOKEN"
ENV_CLIENT_ID = "VISMA_CLIENT_ID"
ENV_CLIENT_SECRET = "VISMA_CLIENT_SECRET"
ENV_TENANT_ID = "VISMA_TENANT_ID"
ENV_TOKEN_URL = "VISMA_TOKEN_URL"
ENV_SCOPE = "VISMA_SCOPE"
DEFAULT_TOKEN_URL = "https://connect.visma.com/connect/token"
DEFAULT_SCOPE = "vismanet_erp_service_api:read"


class CredentialsError(Exception):
    """A one-line, secret-free explanation."""


@dataclass(frozen=True)
class Credentials:
    token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    tenant_id: str | None = None
    token_url: str = DEFAULT_TOKEN_URL
    scope: str = DEFAULT_SCOPE


def credentials_from_env(env: Mapping[str, str] | None = None) -> Credentials | None:
    env = os.environ if env is None else env
    if env.get(ENV_TOKEN):
        return Credentials(token=env[ENV_TOKEN])
    parts = [env.get(ENV_CLIENT_ID), env.get(ENV_CLIENT_SECRET), env.get(ENV_TENANT_ID)]
    if any(parts) and not all(parts):
        missing = [n for n, v in zip((ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TENANT_ID), parts) if not v]
        raise CredentialsError(f"incomplete Visma Connect credentials: set {', '.join(missing)}")
    if all(parts):
        return Credentials(client_id=parts[0], client_secret=parts[1], tenant_id=parts[2],
                           token_url=env.get(ENV_TOKEN_URL) or DEFAULT_TOKEN_URL,
                           scope=env.get(ENV_SCOPE) or DEFAULT_SCOPE)
    return None


def bearer_token(credentials: Credentials, transport: httpx.BaseTransport | None = None) -> str:
    """The token itself, fetching one from Visma Connect when only client credentials are given.

    The token request is the one POST the probe makes, on its own client that can reach only the
    token URL; the probing client itself stays GET/HEAD-only.
    """
    if credentials.token:
        return credentials.token
    form = {"grant_type": "client_credentials", "client_id": credentials.client_id or "",
            "client_secret": credentials.client_secret or "", "tenant_id": credentials.tenant_id or "",
            "scope": credentials.scope}
    try:
        with httpx.Client(transport=transport, timeout=30.0, follow_redirects=False) as client:
            response = client.post(credentials.token_url, data=form)
    except httpx.HTTPError as exc:
        raise CredentialsError(f"token request to {credentials.token_url} failed: {type(exc).__name__}") from None
    if response.status_code != 200:
        error = ""
        try:
            error = str(response.json().get("error", ""))
        except ValueError:
            pass
        raise CredentialsError(f"token request to {credentials.token_url} answered {response.status_code} {error}".strip())
    token = response.json().get("access_token")
    if not token:
        raise CredentialsError(f"token response from {credentials.token_url} has no access_token")
    return str(token)
