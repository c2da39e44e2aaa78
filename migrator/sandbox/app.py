"""Request routing for the three emulated hosts, with no sockets: `SandboxApp.handle(request) -> response`.

The server (`server.py`) turns HTTP into `SandboxRequest`, sleeps `response.delay` real seconds
and writes the response. Emulator choices where Visma documents nothing are marked "emulator
choice" below; see docs in `server.running_sandbox`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from migrator.sandbox.background import BackgroundJobs, Job, JobResult
from migrator.sandbox.config import SandboxConfig
from migrator.sandbox.data import resource_named
from migrator.sandbox.hosts import Gateway, gateway_for, host_name
from migrator.sandbox.latency import SINGLE_RECORD, LatencyModel
from migrator.sandbox.paging import PagingError, page_from_query
from migrator.sandbox.rate_limit import RateLimiter
from migrator.sandbox.tokens import TokenError, TokenIssuer
from migrator.sandbox.webhooks import (
    BackgroundHeaderError,
    WebhookDispatcher,
    parse_background_header,
)

JSON = "application/json; charset=utf-8"
_VNI_API = re.compile(r"^/api(?:/service)?/controller/api(?P<rest>/.*)$", re.IGNORECASE)
_VERSIONED = re.compile(r"^/v(?P<version>\d+)/(?P<resource>[A-Za-z]+)(?:/(?P<key>[^/]+))?(?P<tail>/.*)?$")
_BACKGROUND = re.compile(r"^/v1/background/(?P<id>[0-9a-fA-F-]+)(?P<content>/content)?$", re.IGNORECASE)
_VNI_EVENTS = ["customer_changed", "customerinvoice_changed", "supplierinvoice_changed", "journaltransaction_changed"]


@dataclass
class SandboxRequest:
    method: str
    host: str  # Host header as sent (may include a port)
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    scheme: str = "http"  # "https" when it arrived through the TLS tunnel

    @property
    def target(self) -> str:
        query = "&".join(f"{k}={v}" for k, values in self.query.items() for v in values)
        return self.path + (f"?{query}" if query else "")


@dataclass
class SandboxResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # real seconds the server waits before answering (the latency model)


def _json(status: int, payload: Any, headers: dict[str, str] | None = None, delay: float = 0.0) -> SandboxResponse:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return SandboxResponse(status, body, {"Content-Type": JSON, **(headers or {})}, delay)


def _message(status: int, text: str, headers: dict[str, str] | None = None) -> SandboxResponse:
    return _json(status, {"message": text}, headers)


@dataclass
class _Outcome:
    """What a resource call produced before any gateway behaviour is applied."""

    status: int
    payload: Any
    model_seconds: float
    headers: dict[str, str] = field(default_factory=dict)


class SandboxApp:
    def __init__(self, config: SandboxConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.tokens = TokenIssuer(config.token_ttl, config.clients, clock)
        self.rate = RateLimiter(config.rate_limit, config.rate_window, clock)
        self.jobs = BackgroundJobs()
        self.webhooks = WebhookDispatcher()
        self.requests_seen: list[tuple[str, str, str]] = []  # (method, host, path) for tests
        self._created: dict[tuple[str, str], dict[str, Any]] = {}
        self._vni_subscriptions: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    # entry point ---------------------------------------------------------------------------
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        with self._lock:
            self.requests_seen.append((request.method, host_name(request.host), request.path))
        gateway = gateway_for(request.host, request.path)
        if gateway is Gateway.CONNECT:
            return self._connect(request)
        if gateway is Gateway.VNI:
            return self._vni(request)
        if gateway is Gateway.API_MANAGEMENT:
            return self._api(request)
        return _message(421, f"the sandbox does not serve host {host_name(request.host)}")

    # Visma Connect -------------------------------------------------------------------------
    def _connect(self, request: SandboxRequest) -> SandboxResponse:
        if request.path.rstrip("/").lower() != "/connect/token":
            return _message(404, "Visma Connect sandbox serves only /connect/token")
        if request.method != "POST":
            return _message(405, "use POST for /connect/token")
        try:
            return _json(200, self.tokens.issue_connect(_form(request)), {"Cache-Control": "no-store"})
        except TokenError as exc:
            return _json(exc.status, {"error": exc.error, "error_description": exc.description})

    # API Management ------------------------------------------------------------------------
    def _api(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path.rstrip("/") or "/"
        if _VNI_API.match(path):
            # emulator choice: whether API Management accepts the legacy prefix is an open question
            return _message(404, "the legacy /API/controller/api/ prefix is not served by API Management")
        grant = self.tokens.connect_token(_bearer(request))
        if grant is None:
            return _message(401, "missing, unknown or expired access token",
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        decision = self.rate.check(f"api:{grant.tenant_id}:{grant.client_id}")
        if not decision.allowed:
            return _message(429, "rate limit exceeded", decision.headers)
        base = self._public_base(request)
        response = self._gateway_call(request, path, base, Gateway.API_MANAGEMENT)
        response.headers.update(decision.headers)
        return response

    # VNI -----------------------------------------------------------------------------------
    def _vni(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path.rstrip("/")
        lowered = path.lower()
        if lowered == "/api/security/api/v2/token":
            if request.method != "POST":
                return _message(405, "use POST for the token endpoint")
            return _json(200, self.tokens.issue_vni(_form(request)))
        token = _bearer(request)
        if not self.tokens.vni_token_valid(token, self.config.strict_vni_tokens):
            return _message(401, "Authorization has been denied for this request.")
        company = request.headers.get("ipp-company-id", "1234567")
        decision = self.rate.check(f"vni:{company}:{token[-8:]}")
        if not decision.allowed:
            return _message(429, "rate limit exceeded", decision.headers)
        if lowered.startswith("/api/resources/v1/"):
            response = self._vni_resources(request, lowered[len("/api/resources/v1/"):])
        else:
            match = _VNI_API.match(path)
            if not match:
                response = _message(404, f"no VNI resource at {path}")
            else:
                base = self._public_base(request) + "/API/controller/api"
                response = self._gateway_call(request, match["rest"], base, Gateway.VNI)
        response.headers.update(decision.headers)
        return response

    def _vni_resources(self, request: SandboxRequest, rest: str) -> SandboxResponse:
        if rest == "context":
            return _json(200, [{"id": "1234567", "name": "Sandbox Company AS"}, {"id": "7654321", "name": "Sandbox Demo AB"}])
        if rest == "event":
            return _json(200, _VNI_EVENTS)
        if rest.startswith("subscription"):
            sub_id = rest[len("subscription"):].strip("/")
            with self._lock:
                if request.method == "GET" and not sub_id:
                    return _json(200, list(self._vni_subscriptions.values()))
                if request.method == "POST" and not sub_id:
                    body = _json_body(request) or {}
                    new_id = str(len(self._vni_subscriptions) + 1)
                    self._vni_subscriptions[new_id] = {"id": new_id, "event": body.get("event"), "hookUri": body.get("hookUri")}
                    return _json(201, self._vni_subscriptions[new_id])
                if request.method == "DELETE" and sub_id:
                    found = self._vni_subscriptions.pop(sub_id, None)
                    return SandboxResponse(204) if found else _message(404, "no such subscription")
            return _message(405, "method not allowed")
        return _message(404, f"no VNI resource at /API/resources/v1/{rest}")

    # shared by both gateways -----------------------------------------------------------------
    def _gateway_call(self, request: SandboxRequest, path: str, base: str, gateway: Gateway) -> SandboxResponse:
        background = _BACKGROUND.match(path)
        if background:
            return self._background_state(background["id"], bool(background["content"]))
        header = request.headers.get("erp-api-background")
        if header is not None:
            return self._submit_background(request, path, base, gateway, header)
        outcome = self._resource(request.method, path, request.query, request.body, base)
        model = outcome.model_seconds
        if gateway is Gateway.API_MANAGEMENT and model > self.config.gateway_limit:
            # the 4-minute cut: status and body are undocumented; a gateway 504 is the likely answer
            return _json(504, {"statusCode": 504, "message": "Gateway Timeout: the request took longer than "
                               f"{self.config.gateway_limit:g} s; use the background API (erp-api-background)"},
                         {"X-Sandbox-Cut": f"{self.config.gateway_limit:g}"},
                         delay=self.config.real_seconds(self.config.gateway_limit))
        delay = self.config.real_seconds(model)
        if outcome.payload is None:
            return SandboxResponse(outcome.status, b"", dict(outcome.headers), delay)
        return _json(outcome.status, outcome.payload, outcome.headers, delay=delay)

    def _submit_background(self, request: SandboxRequest, path: str, base: str, gateway: Gateway,
                           header: str) -> SandboxResponse:
        try:
            mode = parse_background_header(header)
        except BackgroundHeaderError as exc:
            return _message(400, str(exc))
        if mode.kind == "url" and gateway is Gateway.API_MANAGEMENT:
            # emulator choice: deprecated since 2025-04-30, refused here so migrated code is caught
            return _message(400, "erp-api-background: <URL> is deprecated; use subscription[:name=value,...]")
        webhook = mode.url if mode.kind == "url" else (self.config.webhook_url if mode.kind == "subscription" else None)
        method, query, body = request.method, dict(request.query), request.body

        def work() -> JobResult:
            outcome = self._resource(method, path, query, body, base)
            time.sleep(self.config.real_seconds(outcome.model_seconds))  # no cut: not in a web context
            raw = json.dumps(outcome.payload, separators=(",", ":")).encode() if outcome.payload is not None else b""
            return JobResult(outcome.status, raw, JSON, {"Content-Type": JSON, **outcome.headers})

        def notify(job: Job) -> None:
            if webhook:
                self.webhooks.dispatch(webhook, mode.headers, job.state_document())

        query_text = request.target[len(request.path):]
        job = self.jobs.submit(base, f"{base}{path}{query_text}", webhook, bool(request.body), work, notify)
        return _json(202, {"id": job.id, "stateLocation": job.state_location})

    def _background_state(self, job_id: str, content: bool) -> SandboxResponse:
        job = self.jobs.get(job_id)
        if job is None:
            return _message(404, f"no background operation {job_id}")
        if not content:
            return _json(200, job.state_document())
        if job.result is None or not job.result.body:
            return _message(404, "the operation has no response content (yet)")  # emulator choice
        return SandboxResponse(200, job.result.body, {"Content-Type": job.result.content_type})

    def _resource(self, method: str, path: str, query: dict[str, list[str]], body: bytes, base: str) -> _Outcome:
        match = _VERSIONED.match(path)
        resource = resource_named(match["resource"]) if match else None
        if match is None or resource is None:
            return _Outcome(404, {"message": f"no resource at {path}"}, SINGLE_RECORD.fixed)
        version, key, tail = int(match["version"]), match["key"], match["tail"] or ""
        latency = self.config.latency.get(resource.name, LatencyModel(0.2, 0.005))
        total = self.config.record_count(resource.name)
        if tail.lower().startswith("/action/"):
            return _Outcome(202, None, SINGLE_RECORD.fixed)  # actions run in the background already
        if tail:
            return _Outcome(404, {"message": f"no resource at {path}"}, SINGLE_RECORD.fixed)
        if method in ("GET", "HEAD") and key is None:
            try:
                page = page_from_query(query, total, self.config.max_page_size)
            except PagingError as exc:
                return _Outcome(400, {"message": str(exc)}, SINGLE_RECORD.fixed)
            meta = {"totalCount": total, "maxPageSize": self.config.max_page_size}
            records = [{**resource.record(i), "metadata": meta} for i in page.indices]
            payload: Any = records
            if version >= 2:  # emulator choice: v2 answers the paged object shape
                payload = {"pageNumber": page.number, "pageSize": page.size, "totalCount": total, "records": records}
            return _Outcome(200, payload, latency.seconds(len(records), page.offset))
        if method in ("GET", "HEAD"):
            created = self._created.get((resource.name, key))
            if created is not None:
                return _Outcome(200, created, SINGLE_RECORD.fixed)
            index = resource.index_of(key, total)
            if index is None:
                return _Outcome(404, {"message": f"{resource.name} {key} not found"}, SINGLE_RECORD.fixed)
            return _Outcome(200, resource.record(index), SINGLE_RECORD.fixed)
        if method == "POST" and key is None:
            record = _json_body_bytes(body) or {}
            new_key = str(record.get(resource.key) or f"NEW{len(self._created) + 1}")
            with self._lock:
                self._created[(resource.name, new_key)] = {**record, resource.key: new_key}
            location = f"{base}/v{version}/{match['resource']}/{new_key}"
            return _Outcome(201, None, SINGLE_RECORD.fixed, {"Location": location})
        if method == "PUT" and key is not None:
            return _Outcome(204, None, SINGLE_RECORD.fixed)
        return _Outcome(405, {"message": f"{method} is not allowed on {path}"}, SINGLE_RECORD.fixed)

    def _public_base(self, request: SandboxRequest) -> str:
        """Absolute URLs point at the host the client used: https for the Visma hosts."""
        name = host_name(request.host)
        if name.endswith(("visma.net", "visma.com")):
            return f"https://{name}"
        return f"{request.scheme}://{request.host}"


def _bearer(request: SandboxRequest) -> str:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _form(request: SandboxRequest) -> dict[str, str]:
    fields = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items() if v}
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic ") and "client_id" not in fields:
        try:
            user, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return fields
        fields["client_id"], fields["client_secret"] = unquote(user), unquote(secret)
    return fields


def _json_body(request: SandboxRequest) -> Any:
    return _json_body_bytes(request.body)


def _json_body_bytes(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None
