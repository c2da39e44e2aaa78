"""The probing client: GET/HEAD-only transport, no redirects, a read timeout above the cut."""

from __future__ import annotations

import os

import httpx

import migrator
from migrator.probe.transport import Deadline, ReadOnlyTransport, network_transport

USER_AGENT = f"vni-migrate-probe/{migrator.__version__} (read-only timing probe)"


def probe_client(base_url: str, token: str | None, *, gateway_limit: float = 240.0, time_scale: float = 1.0,
                 inner: httpx.BaseTransport | None = None, deadline: Deadline | None = None) -> httpx.Client:
    """`inner` defaults to a plain transport that honours HTTPS_PROXY/SSL_CERT_FILE (so the
    sandbox's `--print-env` works) and ends every socket operation at `deadline` (seconds left, see
    `migrator.probe.transport`); whatever it is, ReadOnlyTransport wraps it."""
    if inner is None:
        names = ("HTTPS_PROXY", "https_proxy") if base_url.startswith("https") else ("HTTP_PROXY", "http_proxy")
        proxy = next((os.environ[n] for n in names if os.environ.get(n)), None)
        inner = network_transport(proxy or None, deadline or (lambda: None))
    read = gateway_limit * time_scale + max(20.0, 0.1 * gateway_limit * time_scale)  # observe "> cut", never hang
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    # trust_env=False: proxies come only through `inner`, so nothing can bypass ReadOnlyTransport
    return httpx.Client(base_url=base_url, transport=ReadOnlyTransport(inner), headers=headers,
                        timeout=httpx.Timeout(10.0, read=read), follow_redirects=False, trust_env=False)
