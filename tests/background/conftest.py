"""A real HTTP server on 127.0.0.1 that plays the background API from a script, for the helper's tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    at: float
    status: int = 0


@dataclass
class JobServer:
    """Answers a request with `erp-api-background: none` by 202, then plays `states` on each poll.

    `states`: list of (status code, headers, body) answered to successive polls of the state
    document; the last one repeats. `content`: the body of `/content`.
    """

    states: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)
    content: bytes = b""
    state_host: str | None = None  # a different origin for stateLocation (must not be followed)
    direct: tuple[int, Any] = (200, {"direct": True})
    accepts: bool = True  # False: answer `direct` even to a background request
    seen: list[Seen] = field(default_factory=list)
    url: str = ""
    _polls: int = 0

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        path = handler.path.split("?", 1)[0]
        if path.endswith("/content"):
            return 200, {"Content-Type": "application/json"}, self.content
        if "/background/" in path:
            status, headers, body = self.states[min(self._polls, len(self.states) - 1)]
            self._polls += 1
            return status, {"Content-Type": "application/json", **headers}, json.dumps(body).encode()
        if self.accepts and handler.headers.get("erp-api-background") == "none":
            origin = self.state_host or self.url
            body = {"id": "job-1", "stateLocation": f"{origin}/v1/background/job-1"}
            return 202, {"Content-Type": "application/json"}, json.dumps(body).encode()
        status, body = self.direct
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def state(status: str, status_code: int = 0, *, content: bool = False, error: str | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], dict[str, Any]]:
    """A 200 state document as the API Management spec describes it."""
    return 200, {}, {"id": "job-1", "status": status, "statusCode": status_code, "errorMessage": error,
                     "hasResponseContent": content, "contentLocation": None,
                     "responseHeaders": headers or {"Content-Type": "application/json; charset=utf-8"}}


@pytest.fixture
def job_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[JobServer]:
    monkeypatch.setenv("VISMA_BACKGROUND_POLL_SECONDS", "0.01")
    monkeypatch.setenv("VISMA_BACKGROUND_MAX_POLL_SECONDS", "0.05")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    script = JobServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            entry = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            script.seen.append(entry)
            status, headers, body = script.answer(self)
            entry.status = status
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    script.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield script
    server.shutdown()
    server.server_close()
