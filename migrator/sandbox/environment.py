"""The environment that sends unmodified integration code to the emulator.

`requests`, `httpx`, `urllib`, curl and most HTTP stacks honour `HTTPS_PROXY`; they open a
CONNECT tunnel to the sandbox, which answers TLS for the Visma hosts with a certificate from the
local test CA named in `SSL_CERT_FILE` (httpx, OpenSSL), `REQUESTS_CA_BUNDLE` (requests),
`CURL_CA_BUNDLE` (curl) and `NODE_EXTRA_CA_CERTS` (Node). `VNI_SANDBOX_INTERCEPTS` lists the
hosts the proxy answers for; any other host gets a 502 naming it (nothing is forwarded).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from migrator.sandbox.hosts import INTERCEPTED_HOSTS

INTERCEPTS_VARIABLE = "VNI_SANDBOX_INTERCEPTS"  # documents, in the environment itself, what the proxy answers for


def proxy_environment(proxy_url: str, ca_bundle: Path, ca_cert: Path) -> dict[str, str]:
    bundle = str(ca_bundle)
    env = {
        "HTTPS_PROXY": proxy_url,
        "HTTP_PROXY": proxy_url,
        "NO_PROXY": "127.0.0.1,localhost,::1",  # webhook listeners on this machine stay direct
        "SSL_CERT_FILE": bundle,
        "REQUESTS_CA_BUNDLE": bundle,
        "CURL_CA_BUNDLE": bundle,
        "NODE_EXTRA_CA_CERTS": str(ca_cert),
        INTERCEPTS_VARIABLE: ",".join(sorted(INTERCEPTED_HOSTS)),
    }
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"):
        env[name.lower()] = env[name]  # some clients read only the lower-case names
    return env


def export_lines(env: dict[str, str]) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in env.items()]
