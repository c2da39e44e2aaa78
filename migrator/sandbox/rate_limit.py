"""Fixed-window rate limiting with the documented `X-RateLimit-*` headers and 429 + `Retry-After`."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, count)
        self._lock = threading.Lock()

    def check(self, key: str) -> RateDecision:
        """Count one request for `key` (company + client); refuse it once the window is used up."""
        now = self.clock()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            allowed = count < self.limit
            if allowed:
                count += 1
            self._windows[key] = (start, count)
        reset = max(0.0, start + self.window - now)
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - count)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
            "X-RateLimit-Policy": f"{self.limit};w={math.ceil(self.window)}",
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(reset)))
        return RateDecision(allowed, headers)
