"""The probe's only way onto the network: a transport that refuses anything but GET and HEAD.

The check runs before the inner transport is called, so a refused request never opens a
connection or sends a byte, whatever the calling code asked for.
"""

from __future__ import annotations

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
