from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from migrator.sandbox.server import Sandbox, running_sandbox

API = "https://api.finance.visma.net"
VNI = "https://integration.visma.net/API/controller/api"
# 240 model seconds become 0.48 real seconds
FAST = {"time_scale": 0.002, "records": 300}


def vni_token(client, client_id: str = "legacy-app", user: str = "user") -> str:
    """A token from the old host's own token endpoint (today it accepts no other bearer)."""
    answer = client.post("https://integration.visma.net/API/security/api/v2/token",
                         data={"grant_type": "authorization_code", "code": user, "client_id": client_id})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(**FAST) as box:
        yield box


class WebhookListener:
    """A real HTTP listener on 127.0.0.1 that records every POST it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], dict]] = []
        self.event = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                listener.received.append(({k.lower(): v for k, v in self.headers.items()}, json.loads(body)))
                listener.event.set()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/visma"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_listener() -> Iterator[WebhookListener]:
    listener = WebhookListener()
    yield listener
    listener.close()
