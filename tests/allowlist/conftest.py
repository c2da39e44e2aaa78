"""Shared fixtures: the fixture tree and an isolated two-namespace network for real nginx.

The network: namespace SRV (nginx, 10.77.0.1) and namespace CLI (the three sender addresses and a
proxy 10.77.0.2) joined by a veth pair. Neither namespace has a default route, so no packet for
18.202.121.26 & co. can leave this machine; both are deleted in the finalizer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from migrator.allowlist.senders import SENDER_IPS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allowlist"
SERVER_ADDR = "10.77.0.1"
PROXY_ADDR = "10.77.0.2"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def _run(*cmd: str, check: bool = True, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout)


@dataclass
class Netns:
    server: str
    client: str

    def request(self, source: str, path: str, host: str, xff: str | None = None) -> int:
        """HTTP status nginx answers to a request sent from `source` (0 when no answer)."""
        cmd = ["ip", "netns", "exec", self.client, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
               "--interface", source, "--max-time", "3", "-H", f"Host: {host}"]
        if xff:
            cmd += ["-H", f"X-Forwarded-For: {xff}"]
        result = _run(*cmd, f"http://{SERVER_ADDR}{path}", check=False, timeout=10)
        return int(result.stdout or 0)


@pytest.fixture(scope="session")
def netns() -> Iterator[Netns]:
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root (ip netns add)")
    for tool in ("ip", "curl", "nginx"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (apt-get install -y nginx iproute2 curl)")
    tag = f"{os.getpid() % 100000}"
    ns = Netns(f"vni-srv-{tag}", f"vni-cli-{tag}")
    created: list[str] = []
    try:
        for name in (ns.server, ns.client):
            result = _run("ip", "netns", "add", name, check=False)
            if result.returncode != 0:
                pytest.skip(f"cannot create network namespace: {result.stderr.strip()}")
            created.append(name)
        veth_s, veth_c = f"vs{tag}", f"vc{tag}"
        _run("ip", "link", "add", veth_s, "type", "veth", "peer", "name", veth_c)
        _run("ip", "link", "set", veth_s, "netns", ns.server)
        _run("ip", "link", "set", veth_c, "netns", ns.client)
        srv = ["ip", "netns", "exec", ns.server]
        cli = ["ip", "netns", "exec", ns.client]
        _run(*srv, "ip", "link", "set", "lo", "up")
        _run(*cli, "ip", "link", "set", "lo", "up")
        _run(*srv, "ip", "addr", "add", f"{SERVER_ADDR}/24", "dev", veth_s)
        _run(*cli, "ip", "addr", "add", f"{PROXY_ADDR}/24", "dev", veth_c)
        _run(*srv, "ip", "link", "set", veth_s, "up")
        _run(*cli, "ip", "link", "set", veth_c, "up")
        for ip in SENDER_IPS:
            _run(*cli, "ip", "addr", "add", f"{ip}/32", "dev", veth_c)
            _run(*srv, "ip", "route", "add", f"{ip}/32", "dev", veth_s)  # on-link, inside the namespace only
        yield ns
    finally:
        for name in created:
            _run("ip", "netns", "del", name, check=False)


class Nginx:
    """A real nginx serving one fixture configuration inside the server namespace."""

    def __init__(self, ns: Netns, conf: Path) -> None:
        self.ns, self.conf = ns, conf
        prefix = conf.parent
        self.pidfile = prefix / "nginx.pid"
        self.base = ["ip", "netns", "exec", ns.server, "nginx", "-p", str(prefix), "-c", str(conf),
                     "-g", f"pid {self.pidfile}; error_log {prefix / 'error.log'}; user root;"]  # tmp dirs are 0700

    def test_config(self) -> subprocess.CompletedProcess[str]:
        return _run(*self.base, "-t", check=False)

    def start(self) -> None:
        _run(*self.base)
        for _ in range(50):  # bounded: up to 5 s for the pid file and the socket
            if self.pidfile.exists() and self.ns.request(PROXY_ADDR, "/", "probe") != 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not start for {self.conf}")

    def stop(self) -> None:
        if self.pidfile.exists():
            _run(*self.base, "-s", "stop", check=False)
            for _ in range(50):
                if not self.pidfile.exists():
                    return
                time.sleep(0.1)
