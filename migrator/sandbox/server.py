'''The emulator as a real HTTP server on 127.0.0.1, which is also an HTTPS proxy for the Visma hosts.

Use from Python (tests, other tools)::

    from migrator.sandbox.server import running_sandbox

    with running_sandbox(gateway_limit=240, time_scale=0.002, records=300,
                         webhook_url="http://127.0.0.1:9000/hook") as sandbox:
        sandbox.url            # "http://127.0.0.1:PORT"
        sandbox.port           # the random port (port=0) it got
        token = sandbox.issue_token(tenant_id="1234567")    # a valid Visma Connect token
        with sandbox.client() as client:                     # httpx.Client routing Visma hosts here
            client.get("https://api.finance.visma.net/v1/customer",
                       params={"pageSize": 100}, headers={"Authorization": f"Bearer {token}"})
        sandbox.environment()  # {"HTTPS_PROXY": ..., "SSL_CERT_FILE": ..., ...} for subprocesses
        sandbox.webhook_deliveries   # background-API notifications sent so far
        sandbox.app.requests_seen    # (method, host, path) of every request served

Three ways to reach it:
- any HTTP client: `http://127.0.0.1:PORT/...` with header `Host: api.finance.visma.net`
  (or `integration.visma.net`, `connect.visma.com`); without such a Host header, paths under
  `/API/` are VNI, `/connect/` is Visma Connect, the rest is API Management;
- httpx in-process: `sandbox.client()` / `sandbox.transport()`, which keep `https://` URLs;
- unmodified code in a subprocess: `env={**os.environ, **sandbox.environment()}` makes
  `requests`/`httpx` tunnel `https://integration.visma.net/...` here (CONNECT proxy + local CA).

Keyword arguments of `running_sandbox` are `SandboxConfig` fields (`gateway_limit`, `time_scale`,
`records`, `records_per_resource`, `max_page_size`, `latency`, `webhook_url`, `webhook_secret`,
`signature_header`, `webhook_attempts`, `webhook_retry_interval`, `token_ttl`, `clients`,
`rate_limit`, `rate_window`, `vni_mode`, `vni_rate_limit`, `vni_rate_window`, `strict_vni_tokens`,
`job_retention`, `state_dir`) plus `host` and `port`. `vni_mode="pre-2025"` runs legacy code
against the old host as it used to answer (see `SandboxConfig`).

Resources, list shapes (array or `{pageNumber, pageSize, totalCount, records}`), maxPageSize and
filters come from `migrator/sandbox/api/description.yaml`, which records the source of each fact.
Records in lists carry `metadata {totalCount, maxPageSize}`. Data, created records and background
jobs are per tenant (the token's `tenant_id`; on VNI the `ipp-company-id` header).

Emulator choices where Visma documents nothing: the 240 s cut answers 504 with a JSON message
(API Management only, not VNI); `/content` of an unfinished job is 404; `erp-api-background: <URL>`
is refused (400) by API Management and honoured by VNI; webhook bodies are the state document; the
legacy `/API/controller/api/` prefix on api.finance.visma.net is 404; retired VNI endpoints answer
410; the Sales Order host is a small emulation, other hosts outside the move get a 502 naming them.
'''

from __future__ import annotations

import json
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from migrator.sandbox.app import SandboxApp, SandboxRequest
from migrator.sandbox.config import SandboxConfig
from migrator.sandbox.environment import export_lines, proxy_environment
from migrator.sandbox.hosts import INTERCEPTED_HOSTS, host_name, refusal
from migrator.sandbox.routing import SandboxRoutingTransport
from migrator.sandbox.tls import LocalCA
from migrator.sandbox.webhooks import Delivery

_MAX_BODY = 64 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a CONNECT tunnel carries many requests
    timeout = 600  # idle keep-alive connections give up eventually
    disable_nagle_algorithm = True  # headers and body go out as separate writes; no 40 ms delayed-ACK stall
    server: _SandboxHTTPServer
    _tunnel_host: str | None = None
    _scheme = "http"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:  # request lines only: never headers, so no token is ever logged
            sys.stderr.write(f"sandbox: {self.address_string()} {format % args}\n")

    def do_CONNECT(self) -> None:
        target_host = host_name(self.path.rpartition(":")[0] or self.path)
        if target_host not in INTERCEPTED_HOSTS:
            self._plain(502, refusal(target_host))
            self.close_connection = True
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        try:
            tls = self.server.tls_context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        self.connection = self.request = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb")
        self._tunnel_host, self._scheme = target_host, "https"
        self.close_connection = False

    def _plain(self, status: int, text: str) -> None:
        body = json.dumps({"message": text}).encode()
        self.send_response(status, text if status == 502 else None)  # the reason phrase names the host too
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        host = self.headers.get("Host") or self._tunnel_host or ""
        if parts.scheme in ("http", "https") and parts.netloc:  # absolute-form: a plain-HTTP proxy request
            host = parts.netloc
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._plain(413, "request body too large for the sandbox")
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        received = time.perf_counter()
        request = SandboxRequest(
            method=self.command,
            host=host,
            path=parts.path or "/",
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            scheme=self._scheme,
        )
        response = self.server.app.handle(request)
        remaining = response.delay - (time.perf_counter() - received)  # the model includes our own work
        if remaining > 0:
            time.sleep(remaining)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.status not in (204, 304):
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.status not in (204, 304):
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self._scheme == "https":
                self.connection.close()


class _SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: SandboxApp, tls_context: ssl.SSLContext,
                 verbose: bool) -> None:
        self.app = app
        self.tls_context = tls_context
        self.verbose = verbose
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client hanging up mid-response is normal for a proxy; anything else is worth a line
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, socket.timeout)):
            super().handle_error(request, client_address)


class Sandbox:
    """A running emulator: see the module docstring for how to use it."""

    def __init__(self, config: SandboxConfig, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.config = config
        self._temp_dir: str | None = None
        if config.state_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix="vni-sandbox-")
            config.state_dir = Path(self._temp_dir)
        self.ca = LocalCA(config.state_dir)
        self.app = SandboxApp(config)
        self._server = _SandboxHTTPServer((host, port), self.app, self.ca.server_context(), verbose)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        return list(self.app.webhooks.deliveries)

    def start(self) -> Sandbox:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="vni-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        """Variables that route unmodified `requests`/`httpx` code here (see `environment.py`)."""
        return proxy_environment(self.url, self.ca.bundle_path, self.ca.cert_path)

    def export_lines(self) -> list[str]:
        return export_lines(self.environment())

    def transport(self, inner: httpx.BaseTransport | None = None) -> SandboxRoutingTransport:
        return SandboxRoutingTransport(self.host, self.port, inner)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx.Client that sends `https://<visma host>/...` here; proxy variables are ignored."""
        kwargs.setdefault("timeout", httpx.Timeout(10.0, read=600.0))
        return httpx.Client(transport=self.transport(), trust_env=False, **kwargs)

    @property
    def webhook_secret(self) -> str:
        """The signature key of the emulated Developer Portal subscription (printed at start-up)."""
        return self.app.webhook_secret

    def issue_token(self, tenant_id: str = "1234567", client_id: str = "sandbox-client", scope: str = "") -> str:
        """A valid Visma Connect service token (all four scopes unless `scope` names some), no HTTP round trip."""
        secret = (self.config.clients or {}).get(client_id, "sandbox-secret")
        grant = self.app.tokens.issue_connect({"grant_type": "client_credentials", "client_id": client_id,
                                               "client_secret": secret, "tenant_id": tenant_id, "scope": scope})
        return str(grant["access_token"])


@contextmanager
def running_sandbox(*, host: str = "127.0.0.1", port: int = 0, verbose: bool = False,
                    **config: Any) -> Iterator[Sandbox]:
    """Start the emulator on a background thread for the duration of the `with` block."""
    sandbox = Sandbox(SandboxConfig(**config), host=host, port=port, verbose=verbose).start()
    try:
        yield sandbox
    finally:
        sandbox.close()
