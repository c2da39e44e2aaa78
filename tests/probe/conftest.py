from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest


class CountingListener:
    """A raw TCP listener on 127.0.0.1 that counts connections and bytes, answering nothing useful."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.bytes = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    data = conn.recv(65536)
                    self.bytes += len(data)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]")
                except OSError:
                    pass

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[CountingListener]:
    server = CountingListener()
    yield server
    server.close()
