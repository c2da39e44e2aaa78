"""The probe's only way onto the network: a transport that refuses anything but GET and HEAD, and
a network layer that ends every read and write at the run's wall-clock deadline.

The method check runs before the inner transport is called, so a refused request never opens a
connection or sends a byte, whatever the calling code asked for. The deadline is enforced on each
socket operation (connect, read, write), so a server that drips one byte at a time, in the headers
or in the body, cannot keep the run going past `--max-seconds`: httpx's own timeouts restart with
every byte that arrives.
"""

from __future__ import annotations

import time
import typing
from collections.abc import Callable

import httpcore
import httpx

SAFE_METHODS = frozenset({"GET", "HEAD"})


class UnsafeMethodError(RuntimeError):
    """The probe was asked to send a method that could change data."""


class ReadOnlyTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method.upper() not in SAFE_METHODS:
            raise UnsafeMethodError(f"probe refused unsafe method {request.method} {request.url.path}")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


Deadline = Callable[[], float | None]  # seconds left until the deadline (None: no deadline)


def _clamp(timeout: float | None, left: float | None, what: str) -> float | None:
    if left is None:
        return timeout
    if left <= 0:
        raise httpcore.ReadTimeout(f"wall-clock budget used up while {what}")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, left: Deadline) -> None:
        self._inner = inner
        self._left = left

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, self._left(), "reading a response"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, self._left(), "sending a request"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: typing.Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        stream = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, self._left(), "starting TLS"))
        return _DeadlineStream(stream, self._left)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every socket operation bounded by the deadline."""

    def __init__(self, inner: httpcore.NetworkBackend, left: Deadline) -> None:
        self._inner = inner
        self._left = left

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clamp(timeout, self._left(), "connecting"), local_address, socket_options)
        return _DeadlineStream(stream, self._left)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _clamp(timeout, self._left(), "connecting"), socket_options)
        return _DeadlineStream(stream, self._left)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_left(deadline: float | None, clock: Callable[[], float] = time.perf_counter) -> Deadline:
    """A `Deadline` for an absolute clock reading (None: no deadline)."""
    return lambda: None if deadline is None else deadline - clock()


def network_transport(proxy: str | None, left: Deadline) -> httpx.HTTPTransport:
    """httpx's transport with its connection pool on the deadline-bounded network backend."""
    transport = httpx.HTTPTransport(proxy=proxy)
    pool = transport._pool  # httpx builds the pool; only its network backend is swapped
    pool._network_backend = DeadlineBackend(pool._network_backend, left)
    return transport
