"""Webhook deliveries: signed with the per-subscription key the sandbox prints, retried, clear errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from migrator.sandbox.routing import SandboxRoutingTransport
from migrator.sandbox.server import running_sandbox

from .conftest import API, FAST


class VerifyingListener:
    """A listener that verifies signatures the way Visma's docs describe, with a key it is given."""

    def __init__(self, header: str = "X-Visma-Signature", fail_first: int = 0) -> None:
        self.key: str | None = None
        self.header = header.lower()
        self.fail_first = fail_first
        self.calls = 0
        self.verified: list[bool] = []
        self.event = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                listener.calls += 1
                if listener.calls <= listener.fail_first:
                    self.send_response(503)
                    self.end_headers()
                    return
                sent = {k.lower(): v for k, v in self.headers.items()}.get(listener.header, "")
                expected = base64.b64encode(hmac.new(listener.key.encode(), raw, hashlib.sha256).digest()).decode()
                listener.verified.append(hmac.compare_digest(sent, expected))
                listener.event.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    hook = VerifyingListener()
    yield hook
    hook.close()


def _start_cli(tmp_path, *args):
    """`vni-migrate sandbox` as a user runs it; returns the process, its port and its start-up lines."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    process = subprocess.Popen([sys.executable, "-m", "migrator", "sandbox", "--port", "0", "--time-scale", "0.002",
                                "--records", "50", "--state-dir", str(tmp_path), *args],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        if line.startswith("route unmodified code"):
            break
    port = int(re.search(r"listening on http://127\.0\.0\.1:(\d+)", "".join(lines))[1])
    return process, port, lines


def test_a_listener_verifies_the_signature_with_the_printed_key(tmp_path, listener):
    process, port, lines = _start_cli(tmp_path, "--webhook-url", listener.url)
    try:
        key_line = next(line for line in lines if "signature key" in line)
        listener.key = re.search(r"signature key: (\S+)", key_line)[1]
        assert "X-Visma-Signature" in key_line
        with httpx.Client(transport=SandboxRoutingTransport("127.0.0.1", port), trust_env=False) as client:
            token = client.post("https://connect.visma.com/connect/token", data={
                "grant_type": "client_credentials", "client_id": "c", "client_secret": "s",
                "tenant_id": "1234567"}).json()["access_token"]
            accepted = client.get(f"{API}/v1/customer", params={"pageSize": 2}, headers={
                "Authorization": f"Bearer {token}", "erp-api-background": "subscription:X-Batch=7"})
        assert accepted.status_code == 202
        assert listener.event.wait(10), "no delivery"
    finally:
        process.terminate()
        process.wait(10)
    assert listener.verified == [True]


def test_signature_header_is_configurable_and_a_wrong_key_fails(listener):
    listener.header = "x-custom-sig"
    with running_sandbox(webhook_url=listener.url, signature_header="X-Custom-Sig", webhook_secret="k1", **FAST) as box:
        listener.key = "not-k1"
        with box.client() as client:
            client.get(f"{API}/v1/account", headers={"Authorization": f"Bearer {box.issue_token()}",
                                                     "erp-api-background": "subscription"})
        assert listener.event.wait(5)
    assert listener.verified == [False]
    delivery = box.webhook_deliveries[0]
    expected = base64.b64encode(hmac.new(b"k1", json.dumps(delivery.body, separators=(",", ":")).encode(),
                                         hashlib.sha256).digest()).decode()
    assert delivery.signature == expected


def test_failed_deliveries_are_retried_a_bounded_number_of_times():
    hook = VerifyingListener(fail_first=2)
    hook.key = "k"
    try:
        with running_sandbox(webhook_url=hook.url, webhook_secret="k", webhook_attempts=3,
                             webhook_retry_interval=0.05, **FAST) as box:
            with box.client() as client:
                client.get(f"{API}/v1/account", headers={"Authorization": f"Bearer {box.issue_token()}",
                                                         "erp-api-background": "subscription"})
            assert hook.event.wait(5)
            deadline = time.monotonic() + 5
            while not box.webhook_deliveries and time.monotonic() < deadline:
                time.sleep(0.02)
        assert hook.calls == 3 and hook.verified == [True]
        assert (box.webhook_deliveries[0].attempts, box.webhook_deliveries[0].status) == (3, 200)
    finally:
        hook.close()

    never = VerifyingListener(fail_first=99)
    try:
        with running_sandbox(webhook_url=never.url, webhook_attempts=2, webhook_retry_interval=0.01, **FAST) as box:
            with box.client() as client:
                client.get(f"{API}/v1/account", headers={"Authorization": f"Bearer {box.issue_token()}",
                                                         "erp-api-background": "subscription"})
            deadline = time.monotonic() + 5
            while not box.webhook_deliveries and time.monotonic() < deadline:
                time.sleep(0.02)
        assert never.calls == 2 and box.webhook_deliveries[0].status == 503  # stops after the bound
    finally:
        never.close()


def test_non_ascii_custom_header_values_are_a_clear_error(sandbox):
    with sandbox.client() as client:
        response = client.get(f"{API}/v1/account", headers=[
            ("Authorization", f"Bearer {sandbox.issue_token()}"),
            ("erp-api-background", "subscription:X-City=Tromsø".encode())])
        bad_name = client.get(f"{API}/v1/account", headers={"Authorization": f"Bearer {sandbox.issue_token()}",
                                                            "erp-api-background": "subscription:X City=1"})
    assert response.status_code == 400 and "ASCII" in response.json()["ExceptionMessage"]
    assert bad_name.status_code == 400 and "header name" in bad_name.json()["ExceptionMessage"]
    assert sandbox.webhook_deliveries == []
