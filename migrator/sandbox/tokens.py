"""Token issuing: Visma Connect (expiring, bound to one tenant and its scopes) and VNI.

Visma Connect [DOC]: `client_credentials` (service flow, form field `tenant_id`, scopes
`vismanet_erp_service_api:{create,read,update,delete}`) and `authorization_code` through
`/connect/authorize` (interactive flow, scopes `vismanet_erp_interactive_api:{...}`, `offline_access`
for a refresh token). Access tokens live `ttl` seconds (60 minutes unless configured).
Emulator choices where Visma documents nothing: codes live 5 minutes and are single use; refresh
tokens rotate (each use returns a new one and retires the old); a client that asks for no scope
gets every scope of its flow.

VNI: the token is in field `token`, never expires, and a new token for the same client and user
invalidates the previous one [DOC]. Today VNI refuses the password grant [DOC]; `allow_password`
restores the pre-2025 behaviour.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

SERVICE_API = "vismanet_erp_service_api"
INTERACTIVE_API = "vismanet_erp_interactive_api"
OPERATIONS = ("create", "read", "update", "delete")
SERVICE_SCOPES = tuple(f"{SERVICE_API}:{op}" for op in OPERATIONS)
INTERACTIVE_SCOPES = tuple(f"{INTERACTIVE_API}:{op}" for op in OPERATIONS)
OFFLINE = "offline_access"
OPENID = ("openid", "profile", "email")
CODE_SECONDS = 300.0
DEFAULT_TENANT = "1234567"
_KEEP_SUPERSEDED = 50000
_PURGE_EVERY = 256  # issues between sweeps of expired tokens, so memory stays bounded


@dataclass(frozen=True)
class ConnectToken:
    client_id: str
    tenant_id: str
    scope: str
    expires_at: float  # on the issuer's clock

    def allows(self, operation: str) -> bool:
        """Whether the token carries `<api>:<operation>` for either flow."""
        granted = set(self.scope.split())
        return f"{SERVICE_API}:{operation}" in granted or f"{INTERACTIVE_API}:{operation}" in granted


@dataclass(frozen=True)
class _Code:
    client_id: str
    redirect_uri: str
    tenant_id: str
    scope: str
    challenge: str | None
    expires_at: float


class TokenError(Exception):
    """An OAuth error: `error` is the RFC 6749 code, `description` is safe to show (no secrets)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _scope(requested: str, allowed: tuple[str, ...], flow: str) -> str:
    asked = requested.split()
    if not asked:
        return " ".join(allowed[:4])
    unknown = [s for s in asked if s not in allowed]
    if unknown:
        raise TokenError("invalid_scope", f"scope {' '.join(unknown)} is not available to the {flow} flow")
    return " ".join(dict.fromkeys(asked))


class TokenIssuer:
    def __init__(
        self,
        ttl: float,
        clients: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        allow_password: bool = True,
    ) -> None:
        self.ttl = ttl
        self.clients = clients
        self.clock = clock
        self.allow_password = allow_password
        self._connect: dict[str, ConnectToken] = {}
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, ConnectToken] = {}  # refresh token -> the grant it renews (expires_at unused)
        self._vni_current: dict[tuple[str, str], str] = {}  # (client, user) -> the one valid token
        self._vni_clients: dict[str, str] = {}  # token -> client id (the "application" the throttle counts)
        self._vni_superseded: OrderedDict[str, None] = OrderedDict()  # bounded: the oldest are forgotten
        self._issued = 0
        self._lock = threading.Lock()

    # Visma Connect -------------------------------------------------------------------------
    def _check_client(self, form: dict[str, str], secret_required: bool = True) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id or (secret_required and not secret):
            raise TokenError("invalid_client", "client_id and client_secret are required", 401)
        if secret and self.clients is not None and self.clients.get(client_id) != secret:
            raise TokenError("invalid_client", "unknown client or wrong secret", 401)
        if self.clients is not None and client_id not in self.clients:
            raise TokenError("invalid_client", "unknown client", 401)
        return client_id

    def _grant(self, client_id: str, tenant: str, scope: str) -> dict[str, object]:
        token = secrets.token_urlsafe(32)
        answer: dict[str, object] = {"access_token": token, "token_type": "Bearer", "expires_in": int(self.ttl),
                                     "scope": scope}
        grant = ConnectToken(client_id, tenant, scope, self.clock() + self.ttl)
        with self._lock:
            self._connect[token] = grant
            if OFFLINE in scope.split():
                refresh = secrets.token_urlsafe(32)
                self._refresh[refresh] = grant
                answer["refresh_token"] = refresh
            self._issued += 1
            if self._issued % _PURGE_EVERY == 0:
                self._purge_locked()
        return answer

    def _purge_locked(self) -> None:
        now = self.clock()
        for token in [t for t, g in self._connect.items() if now >= g.expires_at]:
            del self._connect[token]
        for code in [c for c, g in self._codes.items() if now >= g.expires_at]:
            del self._codes[code]

    def issue_connect(self, form: dict[str, str]) -> dict[str, object]:
        """Answer a `/connect/token` form: client_credentials, authorization_code or refresh_token."""
        grant = form.get("grant_type", "")
        if grant == "client_credentials":
            client_id = self._check_client(form)
            tenant = form.get("tenant_id", "")
            if not tenant:
                raise TokenError("invalid_request", "tenant_id is required for client_credentials")
            return self._grant(client_id, tenant, _scope(form.get("scope", ""), SERVICE_SCOPES, "client_credentials"))
        if grant == "authorization_code":
            return self._redeem_code(form)
        if grant == "refresh_token":
            return self._redeem_refresh(form)
        raise TokenError("unsupported_grant_type", f"grant_type {grant or '(missing)'} is not supported")

    def authorize(self, query: dict[str, str]) -> str:
        """`/connect/authorize`: the sandbox user consents at once; returns the redirect URL with the code."""
        if query.get("response_type") != "code":
            raise TokenError("unsupported_response_type", "response_type must be code")
        client_id = query.get("client_id", "")
        if not client_id or (self.clients is not None and client_id not in self.clients):
            raise TokenError("invalid_client", "unknown client_id")
        redirect = query.get("redirect_uri", "")
        if not redirect.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise TokenError("invalid_request", "redirect_uri must be https (or http on this machine)")
        scope = _scope(query.get("scope", ""), INTERACTIVE_SCOPES + (OFFLINE, *OPENID), "authorization_code")
        challenge = query.get("code_challenge")
        if challenge and query.get("code_challenge_method", "plain") not in ("S256", "plain"):
            raise TokenError("invalid_request", "code_challenge_method must be S256 or plain")
        if challenge and query.get("code_challenge_method", "plain") == "plain":
            challenge = _s256(challenge)
        code = secrets.token_urlsafe(24)
        # emulator choice: the tenant the user picks in Visma's UI comes from `tenant_id` (default 1234567)
        tenant = query.get("tenant_id") or DEFAULT_TENANT
        with self._lock:
            self._codes[code] = _Code(client_id, redirect, tenant, scope, challenge, self.clock() + CODE_SECONDS)
        separator = "&" if "?" in redirect else "?"
        state = query.get("state")
        return f"{redirect}{separator}code={code}" + (f"&state={state}" if state is not None else "")

    def _redeem_code(self, form: dict[str, str]) -> dict[str, object]:
        with self._lock:
            code = self._codes.pop(form.get("code", ""), None)  # single use, even when the rest is wrong
        if code is None or self.clock() >= code.expires_at:
            raise TokenError("invalid_grant", "unknown, used or expired authorization code")
        client_id = self._check_client(form, secret_required=code.challenge is None)
        if client_id != code.client_id or form.get("redirect_uri", "") != code.redirect_uri:
            raise TokenError("invalid_grant", "client_id or redirect_uri differ from the authorize request")
        if code.challenge is not None and _s256(form.get("code_verifier", "")) != code.challenge:
            raise TokenError("invalid_grant", "code_verifier does not match the code_challenge")
        return self._grant(client_id, code.tenant_id, code.scope)

    def _redeem_refresh(self, form: dict[str, str]) -> dict[str, object]:
        with self._lock:
            grant = self._refresh.pop(form.get("refresh_token", ""), None)
        if grant is None:
            raise TokenError("invalid_grant", "unknown or already used refresh token")
        if form.get("client_id", grant.client_id) != grant.client_id:
            raise TokenError("invalid_grant", "the refresh token belongs to another client")
        return self._grant(grant.client_id, grant.tenant_id, grant.scope)

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
        if form.get("grant_type") == "password" and not self.allow_password:
            raise TokenError("unsupported_grant_type", "the password grant is no longer accepted by VNI; "
                             "use the authorization code flow")
        client_id = form.get("client_id") or "vni-client"
        user = form.get("username") or form.get("code") or "user"
        token = secrets.token_urlsafe(32)
        with self._lock:
            previous = self._vni_current.get((client_id, user))
            if previous:
                self._vni_superseded[previous] = None
                while len(self._vni_superseded) > _KEEP_SUPERSEDED:
                    self._vni_superseded.popitem(last=False)
                self._vni_clients.pop(previous, None)
            self._vni_current[(client_id, user)] = token
            self._vni_clients[token] = client_id
        return {"token": token, "token_type": "bearer", "scope": "financialstasks"}

    def vni_client(self, token: str) -> str | None:
        """The client a current VNI token was issued to (None: not a VNI token, or superseded)."""
        with self._lock:
            return self._vni_clients.get(token)

    def vni_token_valid(self, token: str, strict: bool) -> bool:
        with self._lock:
            if token in self._vni_superseded:
                return False
            return bool(token) and (not strict or token in self._vni_clients)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
