"""The time budget counts from the first request, whatever the clock's zero (perf_counter's is boot)."""

import pytest

from migrator.probe.sampler import Budget, BudgetExhausted


def test_time_budget_starts_at_the_first_request_not_at_the_clock_zero() -> None:
    now = [10_000.0]  # a machine up for hours: perf_counter is far past any budget
    budget = Budget(max_seconds=60)
    budget.take(lambda: now[0])
    now[0] += 59
    budget.take(lambda: now[0])
    now[0] += 2
    with pytest.raises(BudgetExhausted, match="time budget of 60 s"):
        budget.take(lambda: now[0])


# --- wall-clock deadline against real slow servers on 127.0.0.1 ------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"


class SlowServer:
    """A raw HTTP server that answers every request in one of a few hostile ways."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self._stop.wait(0.05):
                return
            conn.sendall(data[i : i + 1])

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.requests += 1
                if self.mode == "body-drip":  # headers at once, then one byte every 50 ms, forever
                    conn.sendall(HEADERS)
                    self._drip(conn, b"[" + b" " * 999_999)
                elif self.mode == "header-drip":  # the status line and headers themselves trickle in
                    self._drip(conn, b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 100_000)
                else:
                    status = int(self.mode)
                    extra = {302: b"Location: https://example.invalid/\r\n", 429: b"Retry-After: 0\r\n", 503: b"Retry-After: 0\r\n"}
                    conn.sendall(b"HTTP/1.1 %d X\r\n%sContent-Length: 2\r\nConnection: close\r\n\r\n{}" % (status, extra.get(status, b"")))
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


@pytest.fixture
def slow_server(request: pytest.FixtureRequest) -> Iterator[SlowServer]:
    server = SlowServer(request.param)
    yield server
    server.close()


def _probe(server: SlowServer, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    out = tmp_path / "probe.json"
    env = {**os.environ, "VISMA_ACCESS_TOKEN": "test-token-not-a-secret"}
    args = [sys.executable, "-m", "migrator", "probe", "--base-url", f"http://127.0.0.1:{server.port}",
            "--endpoint", "/v1/customer:100", "--endpoint", "/v1/supplier:100", "--no-background", "--json", str(out), *extra]
    # the timeout guards against the old behaviour (runs for hours); it is not a measurement
    run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    return run, json.loads(out.read_text()) if out.exists() else {}


@pytest.mark.parametrize("slow_server", ["body-drip", "header-drip"], indirect=True)
def test_a_dripping_server_cannot_keep_the_probe_past_max_seconds(slow_server: SlowServer, tmp_path: Path) -> None:
    started = time.monotonic()
    run, document = _probe(slow_server, tmp_path, "--max-seconds", "2")
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stderr
    assert "time budget of 2 s used up" in run.stderr and "no endpoint could be measured" in run.stderr
    assert document["endpoints"], "the JSON is still written, with what was (not) measured"
    # one request was started before the deadline; the second endpoint got none
    assert slow_server.requests == 1, (slow_server.requests, elapsed)


@pytest.mark.parametrize("slow_server", ["503", "500", "302", "429"], indirect=True)
def test_a_server_that_never_answers_200_fails_the_probe_with_the_reason(slow_server: SlowServer, tmp_path: Path) -> None:
    run, document = _probe(slow_server, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"no endpoint could be measured (HTTP {slow_server.mode} x" in run.stderr
    assert all(row["verdict"] == "UNKNOWN" for row in document["endpoints"])
