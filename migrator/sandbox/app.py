"""Request routing for the emulated hosts, with no sockets: `SandboxApp.handle(request) -> response`.

The server (`server.py`) turns HTTP into `SandboxRequest`, sleeps `response.delay` real seconds
and writes the response. Resources come from the API description (`api/description.yaml`);
emulator choices where Visma documents nothing are marked "emulator choice" below.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from migrator.sandbox.api_description import (
    ApiDescription,
    ResourceSpec,
    load_description,
)
from migrator.sandbox.background import BackgroundJobs, Job, JobResult
from migrator.sandbox.config import SandboxConfig
from migrator.sandbox.data import Resource, resource_for
from migrator.sandbox.filters import FilterError, filter_from_query
from migrator.sandbox.hosts import HRM_HOST, Gateway, gateway_for, host_name, refusal
from migrator.sandbox.hrm import JOB_MODEL_SECONDS, HrmExports, csv_rows, file_field
from migrator.sandbox.latency import DEFAULT_MODEL, SINGLE_RECORD
from migrator.sandbox.paging import PagingError, page_from_query
from migrator.sandbox.rate_limit import RateLimiter
from migrator.sandbox.tokens import DEFAULT_TENANT, TokenError, TokenIssuer
from migrator.sandbox.webhooks import (
    BackgroundHeaderError,
    RetryPolicy,
    WebhookDispatcher,
    parse_background_header,
)

JSON = "application/json; charset=utf-8"
_VNI_API = re.compile(r"^/api(?:/service)?/controller/api(?P<rest>/.*)$", re.IGNORECASE)
_VERSIONED = re.compile(r"^/v(?P<version>\d+)/(?P<rest>.+)$")
_BACKGROUND = re.compile(r"^/v1/background/(?P<id>[0-9a-fA-F-]+)(?P<content>/content)?$", re.IGNORECASE)
_VNI_EVENTS = ["customer_changed", "customerinvoice_changed", "supplierinvoice_changed", "journaltransaction_changed"]
# retired on 2025-04-30 [DOC]; the status the old host answers with is unknown (emulator choice: 410 Gone)
_VNI_RETIRED = ("event", "subscription")
_OPERATION = {"GET": "read", "HEAD": "read", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
_KEEP_REQUESTS = 10000  # `requests_seen` is a bounded log
_KEEP_CREATED = 20000  # records created by POST, all tenants together; the oldest are forgotten first


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


def visma_error(text: str, fault_code: str = "400") -> dict[str, Any]:
    """A validation error in the shape ERP clients parse (emulator choice: the spec has no error schema)."""
    return {"message": text, "ExceptionType": "IPPException", "ExceptionMessage": text,
            "ExceptionFaultCode": fault_code, "ExceptionMessageID": f"{fault_code}_sandbox", "ExceptionDetails": ""}


@dataclass
class _Outcome:
    """What a resource call produced before any gateway behaviour is applied."""

    status: int
    payload: Any
    model_seconds: float
    headers: dict[str, str] = field(default_factory=dict)


def _unwrap(value: Any) -> Any:
    """Update DTOs wrap each field as {"value": x}; plain values are accepted too."""
    return value.get("value") if isinstance(value, dict) and set(value) == {"value"} else value


class SandboxApp:
    def __init__(self, config: SandboxConfig, clock: Callable[[], float] = time.monotonic,
                 description: ApiDescription | None = None) -> None:
        self.config = config
        self.description = description or load_description()
        self.tokens = TokenIssuer(config.token_ttl, config.clients, clock, allow_password=not config.vni_today)
        self.rate = RateLimiter(config.rate_limit, config.rate_window, clock)
        self.vni_throttle = RateLimiter(config.vni_rate_limit, config.vni_rate_window, clock)
        self.jobs = BackgroundJobs(config.job_retention_real(), clock)
        self.webhook_secret = config.webhook_secret or secrets.token_urlsafe(24)
        self.webhooks = WebhookDispatcher(policy=RetryPolicy(config.webhook_attempts, config.webhook_retry_interval),
                                          signature_header=config.signature_header)
        self.hrm = HrmExports(config.real_seconds(JOB_MODEL_SECONDS), config.job_retention_real(), clock)
        self.requests_seen: deque[tuple[str, str, str]] = deque(maxlen=_KEEP_REQUESTS)  # (method, host, path)
        self._resources: dict[str, Resource] = {}
        self._created: OrderedDict[tuple[str, str, str], dict[str, Any]] = OrderedDict()  # (tenant, root, key)
        self._deleted: set[tuple[str, str, str]] = set()
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
        if gateway is Gateway.SALES_ORDER:
            return self._sales_order(request)
        if gateway is Gateway.HRM:
            return self._hrm(request)
        return _message(502, refusal(host_name(request.host)))

    # Visma Connect -------------------------------------------------------------------------
    def _connect(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path.rstrip("/").lower()
        if path == "/connect/authorize":
            query = {k: v[0] for k, v in request.query.items() if v}
            try:
                return SandboxResponse(302, b"", {"Location": self.tokens.authorize(query)})
            except TokenError as exc:
                return _json(exc.status, {"error": exc.error, "error_description": exc.description})
        if path != "/connect/token":
            return _message(404, "Visma Connect sandbox serves /connect/authorize and /connect/token")
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
        operation = _OPERATION.get(request.method, "read")
        if not grant.allows(operation):
            return _json(403, visma_error(f"the token's scope does not allow {request.method} (needs "
                                          f"vismanet_erp_service_api:{operation} or the interactive equivalent)", "403"),
                         {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="vismanet_erp_service_api:'
                                              f'{operation}"'})
        decision = self.rate.check(f"api:{grant.tenant_id}:{grant.client_id}")
        if not decision.allowed:
            return _message(429, "rate limit exceeded", decision.headers)
        response = self._gateway_call(request, path, self._public_base(request), Gateway.API_MANAGEMENT,
                                      grant.tenant_id)
        response.headers.update(decision.headers)
        return response

    # VNI -----------------------------------------------------------------------------------
    def _vni(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path.rstrip("/")
        lowered = path.lower()
        if lowered == "/api/security/api/v2/token":
            if request.method != "POST":
                return _message(405, "use POST for the token endpoint")
            try:
                return _json(200, self.tokens.issue_vni(_form(request)))
            except TokenError as exc:
                return _json(exc.status, {"error": exc.error, "error_description": exc.description})
        token = _bearer(request)
        if not self.tokens.vni_token_valid(token, self.config.vni_strict):
            return _message(401, "Authorization has been denied for this request.")
        company = request.headers.get("ipp-company-id", DEFAULT_TENANT)
        if self.config.vni_today:
            # since 2026-02-01: 500 calls per hour per application [DOC]; the application is the token's client
            application = self.tokens.vni_client(token) or token[-8:]
            decision = self.vni_throttle.check(f"vni-app:{application}")
            if not decision.allowed:
                return _json(429, {"message": "The old integration.visma.net gateway is throttled to "
                                              f"{self.config.vni_rate_limit} calls per hour per application; "
                                              "move to https://api.finance.visma.net"}, decision.headers)
        else:
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
                response = self._gateway_call(request, match["rest"], base, Gateway.VNI, company)
        response.headers.update(decision.headers)
        return response

    def _vni_resources(self, request: SandboxRequest, rest: str) -> SandboxResponse:
        if self.config.vni_today and rest.split("/")[0] in _VNI_RETIRED:
            return _message(410, f"/API/resources/v1/{rest} was retired on 2025-04-30: webhook subscriptions "
                                 "are created in the Visma Developer Portal")
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

    # Sales Order API (outside the move) --------------------------------------------------------
    def _sales_order(self, request: SandboxRequest) -> SandboxResponse:
        """A small emulation of salesorder.visma.net: a Visma Connect token, `GET /api/v1/salesorder[/{nbr}]`."""
        grant = self.tokens.connect_token(_bearer(request))
        if grant is None:
            return _message(401, "missing, unknown or expired access token",
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        parts = [p for p in request.path.lower().split("/") if p]
        if request.method != "GET" or parts[:3] != ["api", "v1", "salesorder"] or len(parts) > 4:
            return _message(404, "the Sales Order emulation serves only GET /api/v1/salesorder[/{orderNumber}]")
        resource = self._resource_data("salesorder", "orderNbr")
        total = self.config.record_count("salesorder")
        if len(parts) == 4:
            index = resource.index_of(request.path.rstrip("/").split("/")[-1], total)
            if index is None:
                return _message(404, "no such sales order")
            return _json(200, resource.record(index, grant.tenant_id))
        try:
            page = page_from_query(request.query, total, 1000)
        except PagingError as exc:
            return _message(400, str(exc))
        return _json(200, [resource.record(i, grant.tenant_id) for i in page.indices])

    # HRM analytics export API (outside the move) -------------------------------------------
    def _hrm(self, request: SandboxRequest) -> SandboxResponse:
        """See `hrm.py`: begin an export, poll it, download the CSV."""
        parts = [p for p in request.path.split("/") if p]
        if request.method == "GET" and parts[:1] == ["sandbox-files"] and len(parts) == 3:
            job = self.hrm.get(parts[1])
            if job is None or not self.hrm.done(job):
                return _message(404, "no such export file")
            body = csv_rows(job.tenant, job.dataset, min(self.config.records, 500)).encode()
            return SandboxResponse(200, body, {"Content-Type": "text/csv; charset=utf-8"})
        grant = self.tokens.connect_token(_bearer(request))
        if grant is None:
            return _message(401, "missing, unknown or expired access token",
                            {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if len(parts) >= 5 and parts[0] == "v1" and parts[1] == "command" and parts[3] == "hrm":
            if request.method != "POST":
                return _message(405, "use POST to begin an export")
            job = self.hrm.begin(grant.tenant_id, "/".join(parts[2:]))
            return _json(202, {"jobId": job.id})
        if len(parts) >= 6 and parts[0] == "v1" and parts[1] == "query" and parts[3] == "hrm":
            if request.method != "GET":
                return _message(405, "use GET to query an export")
            dataset, job_id = "/".join(parts[2:-1]), parts[-1]
            job = self.hrm.get(job_id, grant.tenant_id)
            if job is None or job.dataset != dataset:
                return _message(404, f"no export job {job_id}")
            if not self.hrm.done(job):
                return _json(202, {"jobId": job.id, "status": "InProgress"})
            location = f"https://{HRM_HOST}/sandbox-files/{job.id}/{dataset.split('/')[-1]}.csv"
            return _json(200, {"jobId": job.id, "status": "Completed", file_field(dataset): [location]})
        return _message(404, "the HRM emulation serves POST /v1/command/{country}/hrm/{dataset} and "
                             "GET /v1/query/{country}/hrm/{dataset}/{jobId}")

    # shared by both gateways -----------------------------------------------------------------
    def _gateway_call(self, request: SandboxRequest, path: str, base: str, gateway: Gateway,
                      tenant: str) -> SandboxResponse:
        background = _BACKGROUND.match(path)
        if background:
            return self._background_state(background["id"], bool(background["content"]), tenant)
        header = request.headers.get("erp-api-background")
        if header is not None:
            return self._submit_background(request, path, base, gateway, header, tenant)
        outcome = self._resource(request.method, path, request.query, request.body, base, tenant)
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
                           header: str, tenant: str) -> SandboxResponse:
        try:
            mode = parse_background_header(header)
        except BackgroundHeaderError as exc:
            return _json(400, visma_error(str(exc)))
        if mode.kind == "url" and gateway is Gateway.API_MANAGEMENT:
            # emulator choice: deprecated since 2025-04-30, refused here so migrated code is caught
            return _message(400, "erp-api-background: <URL> is deprecated; use subscription[:name=value,...]")
        webhook = mode.url if mode.kind == "url" else (self.config.webhook_url if mode.kind == "subscription" else None)
        # only the Developer Portal subscription has a signature key; a URL given in the header has none
        secret = self.webhook_secret if mode.kind == "subscription" else None
        method, query, body = request.method, dict(request.query), request.body

        def work() -> JobResult:
            outcome = self._resource(method, path, query, body, base, tenant)
            time.sleep(self.config.real_seconds(outcome.model_seconds))  # no cut: not in a web context
            raw = json.dumps(outcome.payload, separators=(",", ":")).encode() if outcome.payload is not None else b""
            return JobResult(outcome.status, raw, JSON, {"Content-Type": JSON, **outcome.headers})

        def notify(job: Job) -> None:
            if webhook:
                self.webhooks.dispatch(webhook, mode.headers, job.state_document(), secret)

        query_text = request.target[len(request.path):]
        job = self.jobs.submit(base, f"{base}{path}{query_text}", webhook, bool(request.body), work, notify,
                               tenant=tenant)
        return _json(202, {"id": job.id, "stateLocation": job.state_location})

    def _background_state(self, job_id: str, content: bool, tenant: str) -> SandboxResponse:
        job = self.jobs.get(job_id, tenant)
        if job is None:  # unknown, expired, or another tenant's: all answer the same
            return _message(404, f"no background operation {job_id}")
        if not content:
            return _json(200, job.state_document())
        if job.result is None or not job.result.has_body:
            return _message(404, "the operation has no response content (yet)")  # emulator choice
        return SandboxResponse(200, job.result.content, {"Content-Type": job.result.content_type})

    # resources ---------------------------------------------------------------------------------
    def _resource_data(self, name: str, key: str) -> Resource:
        with self._lock:
            resource = self._resources.get(name)
            if resource is None:
                resource = self._resources[name] = resource_for(name, key)
        return resource

    def _resource(self, method: str, path: str, query: dict[str, list[str]], body: bytes, base: str,
                  tenant: str) -> _Outcome:
        match = _VERSIONED.match(path)
        found = self.description.match(int(match["version"]), match["rest"].split("/")) if match else None
        if match is None or found is None:
            return _Outcome(404, {"message": f"no resource at {path}"}, SINGLE_RECORD.fixed)
        spec, rest = found
        resource = self._resource_data(spec.name, spec.key)
        key = rest[0] if rest else None
        tail = rest[1:]
        if tail and tail[0].lower() == "action":
            return _Outcome(202, None, SINGLE_RECORD.fixed)  # actions run in the background already
        if tail or (method not in spec.methods and not (method == "HEAD" and "GET" in spec.methods)):
            status = 404 if tail else 405
            return _Outcome(status, {"message": f"{method} is not served at {path}" if status == 405
                                     else f"no resource at {path}"}, SINGLE_RECORD.fixed)
        if method in ("GET", "HEAD") and key is None:
            if not spec.lists:
                return _Outcome(404, {"message": f"{spec.path} has no list operation; GET {spec.path}/{{{spec.key}}}"},
                                SINGLE_RECORD.fixed)
            return self._list(spec, resource, query, tenant)
        if method in ("GET", "HEAD") and key is not None:
            record = self._find(spec, resource, key, tenant)
            if record is None:
                return _Outcome(404, visma_error(f"{spec.root} {key} not found", "404"), SINGLE_RECORD.fixed)
            return _Outcome(200, record, SINGLE_RECORD.fixed)
        if method == "POST" and key is None:
            return self._create(spec, resource, body, base, tenant, int(match["version"]))
        if method in ("PUT", "PATCH") and key is not None:
            return self._update(spec, resource, key, body, tenant)
        if method == "DELETE" and key is not None:
            if self._find(spec, resource, key, tenant) is None:
                return _Outcome(404, visma_error(f"{spec.root} {key} not found", "404"), SINGLE_RECORD.fixed)
            with self._lock:
                self._created.pop((tenant, spec.name, key), None)
                self._deleted.add((tenant, spec.name, key))
            return _Outcome(204, None, SINGLE_RECORD.fixed)
        return _Outcome(405, {"message": f"{method} is not allowed on {path}"}, SINGLE_RECORD.fixed)

    def _max_page_size(self, spec: ResourceSpec) -> int:
        return self.config.max_page_size or spec.max_page_size

    def _list(self, spec: ResourceSpec, resource: Resource, query: dict[str, list[str]], tenant: str) -> _Outcome:
        total = self.config.record_count(spec.name)
        maximum = self._max_page_size(spec)
        latency = self.config.latency.get(spec.name, DEFAULT_MODEL)
        try:
            wanted = filter_from_query(query, spec.filters, spec.key)
        except FilterError as exc:
            return _Outcome(400, visma_error(str(exc)), SINGLE_RECORD.fixed)
        with self._lock:
            created = [r for (t, name, _), r in self._created.items() if t == tenant and name == spec.name]
            deleted = {k for (t, name, k) in self._deleted if t == tenant and name == spec.name}
        if wanted.active or created or deleted or spec.page_unit:
            # filtered, changed or line-paged lists: materialise the tenant's view (bounded by `records`)
            rows = [r for r in (resource.record(i, tenant) for i in range(total))
                    if str(r[spec.key]) not in deleted and wanted.matches(r)]
            rows += [r for r in created if wanted.matches(r)]
            if spec.page_unit:
                return self._line_page(spec, rows, query, maximum, latency)
            count = len(rows)
            try:
                page = page_from_query(query, count, maximum)
            except PagingError as exc:
                return _Outcome(400, visma_error(str(exc)), SINGLE_RECORD.fixed)
            selected = [rows[i] for i in page.indices]
        else:
            count = total
            try:
                page = page_from_query(query, count, maximum)
            except PagingError as exc:
                return _Outcome(400, visma_error(str(exc)), SINGLE_RECORD.fixed)
            selected = [resource.record(i, tenant) for i in page.indices]
        meta = {"totalCount": count, "maxPageSize": maximum}
        records = [{**r, "metadata": meta} for r in selected]
        payload: Any = records
        if spec.shape == "paged":
            payload = {"pageNumber": page.number, "pageSize": page.size, "totalCount": count, "records": records}
        return _Outcome(200, payload, latency.seconds(len(records), page.offset))

    def _line_page(self, spec: ResourceSpec, rows: list[dict[str, Any]], query: dict[str, list[str]], maximum: int,
                   latency: Any) -> _Outcome:
        """Paging that counts lines, not records [SPEC]: a record whose lines straddle two pages is on both,
        each time with the lines of that page only."""
        unit = str(spec.page_unit)
        lines = [(i, j) for i, row in enumerate(rows) for j in range(len(row.get(unit) or []))]
        try:
            page = page_from_query(query, len(lines), maximum)
        except PagingError as exc:
            return _Outcome(400, visma_error(str(exc)), SINGLE_RECORD.fixed)
        meta = {"totalCount": len(lines), "maxPageSize": maximum}
        grouped: dict[int, list[Any]] = {}
        for at in page.indices:
            row_index, line_index = lines[at]
            grouped.setdefault(row_index, []).append(rows[row_index][unit][line_index])
        records = [{**rows[i], unit: picked, "metadata": meta} for i, picked in grouped.items()]
        return _Outcome(200, records, latency.seconds(len(page.indices), page.offset))

    def _find(self, spec: ResourceSpec, resource: Resource, key: str, tenant: str) -> dict[str, Any] | None:
        with self._lock:
            if (tenant, spec.name, key) in self._deleted:
                return None
            created = self._created.get((tenant, spec.name, key))
        if created is not None:
            return created
        index = resource.index_of(key, self.config.record_count(spec.name))
        return None if index is None else resource.record(index, tenant)

    def _create(self, spec: ResourceSpec, resource: Resource, body: bytes, base: str, tenant: str,
                version: int) -> _Outcome:
        record = _json_body_bytes(body)
        if not isinstance(record, dict):
            return _Outcome(400, visma_error(f"the body of POST {spec.path} must be a JSON object"), SINGLE_RECORD.fixed)
        plain = {name: _unwrap(value) for name, value in record.items()}
        missing = [name for name in spec.required if plain.get(name) in (None, "")]
        if missing:
            return _Outcome(400, visma_error(f"{spec.root}: {', '.join(missing)} is required"), SINGLE_RECORD.fixed)
        with self._lock:
            new_key = str(plain.get(spec.key) or f"NEW{len(self._created) + 1}")
            if (tenant, spec.name, new_key) in self._created:
                return _Outcome(400, visma_error(f"{spec.root} {new_key} already exists"), SINGLE_RECORD.fixed)
            self._created[(tenant, spec.name, new_key)] = {**plain, spec.key: new_key}
            self._deleted.discard((tenant, spec.name, new_key))
            while len(self._created) > _KEEP_CREATED:
                self._created.popitem(last=False)
        location = f"{base}/v{version}/{spec.root}/{new_key}"
        return _Outcome(201, None, SINGLE_RECORD.fixed, {"Location": location})

    def _update(self, spec: ResourceSpec, resource: Resource, key: str, body: bytes, tenant: str) -> _Outcome:
        record = _json_body_bytes(body)
        if not isinstance(record, dict):
            return _Outcome(400, visma_error(f"the body of PUT {spec.path}/{key} must be a JSON object"),
                            SINGLE_RECORD.fixed)
        current = self._find(spec, resource, key, tenant)
        if current is None:
            return _Outcome(404, visma_error(f"{spec.root} {key} not found", "404"), SINGLE_RECORD.fixed)
        with self._lock:
            self._created[(tenant, spec.name, key)] = {**current, **{n: _unwrap(v) for n, v in record.items()},
                                                       spec.key: key}
        return _Outcome(204, None, SINGLE_RECORD.fixed)

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
