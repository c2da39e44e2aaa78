"""An httpx transport that sends requests for the Visma hosts to a sandbox on 127.0.0.1.

The URL's scheme, host and port are swapped for the sandbox's; the `Host` header keeps the
Visma host, which is how the sandbox tells the gateways apart. Other hosts pass through.
"""

from __future__ import annotations

import httpx

from migrator.sandbox.hosts import INTERCEPTED_HOSTS


class SandboxRoutingTransport(httpx.BaseTransport):
    def __init__(self, host: str, port: int, inner: httpx.BaseTransport | None = None) -> None:
        self.host = host
        self.port = port
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.lower() in INTERCEPTED_HOSTS:
            request.url = request.url.copy_with(scheme="http", host=self.host, port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
