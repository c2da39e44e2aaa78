"""Token issuing: Visma Connect (expiring, bound to a tenant) and VNI (never expiring, one per client and user)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectToken:
    client_id: str
    tenant_id: str
    scope: str
    expires_at: float  # on the issuer's clock


class TokenError(Exception):
    """An OAuth error: `error` is the RFC 6749 code, `description` is safe to show (no secrets)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class TokenIssuer:
    def __init__(
        self,
        ttl: float,
        clients: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.clients = clients
        self.clock = clock
        self._connect: dict[str, ConnectToken] = {}
        self._vni_current: dict[tuple[str, str], str] = {}  # (client, user) -> the one valid token
        self._vni_superseded: set[str] = set()
        self._lock = threading.Lock()

    # Visma Connect -------------------------------------------------------------------------
    def issue_connect(self, form: dict[str, str]) -> dict[str, object]:
        """Answer a `/connect/token` form; only `client_credentials` (the service flow) is emulated."""
        grant = form.get("grant_type", "")
        if grant != "client_credentials":
            raise TokenError("unsupported_grant_type", f"grant_type {grant or '(missing)'} is not emulated")
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id or not secret:
            raise TokenError("invalid_client", "client_id and client_secret are required", 401)
        if self.clients is not None and self.clients.get(client_id) != secret:
            raise TokenError("invalid_client", "unknown client or wrong secret", 401)
        tenant = form.get("tenant_id", "")
        if not tenant:
            raise TokenError("invalid_request", "tenant_id is required for client_credentials")
        scope = form.get("scope", "vismanet_erp_service_api:read")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._connect[token] = ConnectToken(client_id, tenant, scope, self.clock() + self.ttl)
        return {"access_token": token, "token_type": "Bearer", "expires_in": int(self.ttl), "scope": scope}

    def connect_token(self, token: str) -> ConnectToken | None:
        """The token's grant if it exists and has not expired."""
        with self._lock:
            grant = self._connect.get(token)
        if grant is None or self.clock() >= grant.expires_at:
            return None
        return grant

    # VNI -----------------------------------------------------------------------------------
    def issue_vni(self, form: dict[str, str]) -> dict[str, object]:
        """VNI's `/API/security/api/v2/token`: the token is in field `token` and never expires;
        a new token for the same client and user invalidates the previous one."""
        client_id = form.get("client_id") or "vni-client"
        user = form.get("username") or form.get("code") or "user"
        token = secrets.token_urlsafe(32)
        with self._lock:
            previous = self._vni_current.get((client_id, user))
            if previous:
                self._vni_superseded.add(previous)
            self._vni_current[(client_id, user)] = token
        return {"token": token, "token_type": "bearer", "scope": "financialstasks"}

    def vni_token_valid(self, token: str, strict: bool) -> bool:
        with self._lock:
            if token in self._vni_superseded:
                return False
            return bool(token) and (not strict or token in self._vni_current.values())
