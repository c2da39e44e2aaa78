"""One timed, read-only request: time to first byte vs total, byte cap, Retry-After, auth stop.

Times are reported in model seconds: measured seconds divided by `time_scale` (1 against a real
gateway; the sandbox's scale against a scaled sandbox). Clock and sleep are injectable.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from migrator.probe.throttling import full_jitter, retry_after_seconds


class AuthStop(Exception):
    """401/403: the credentials are wrong or lack a scope; probing further would only repeat it."""

    def __init__(self, status: int, path: str) -> None:
        super().__init__(f"{status} from {path}")
        self.status = status
        self.path = path


class Throttled(Exception):
    """The server asked for a longer wait than the probe is allowed to spend."""


class BudgetExhausted(Exception):
    pass


@dataclass
class Measurement:
    page_number: int
    page_size: int
    status: int
    ttfb: float  # model seconds until headers were parsed
    total: float  # model seconds until the body was read (or cut off at the byte cap)
    bytes: int
    truncated: bool
    attempts: int
    records: int | None = None
    total_count: int | None = None
    max_page_size: int | None = None
    warmup: bool = False  # the first request of an endpoint: shown, not used in statistics or fits

    def to_json(self) -> dict[str, Any]:
        return {"page_number": self.page_number, "page_size": self.page_size, "status": self.status,
                "ttfb": round(self.ttfb, 4), "total": round(self.total, 4), "bytes": self.bytes,
                "truncated": self.truncated, "attempts": self.attempts, "records": self.records, "warmup": self.warmup}


@dataclass
class Budget:
    """Limits for one probe run: requests per endpoint, wall seconds overall, bytes per response."""

    max_requests_per_endpoint: int = 12
    max_seconds: float = 1800.0
    max_bytes: int = 64 * 1024 * 1024
    started: float | None = None  # clock reading at the first request (the clock's zero is arbitrary)
    used: int = 0  # requests of the current endpoint

    def left(self, clock: Callable[[], float]) -> float | None:
        """Wall-clock seconds left in the run (None before the first request)."""
        return None if self.started is None else self.started + self.max_seconds - clock()

    def exhausted(self, clock: Callable[[], float], during: str) -> BudgetExhausted | None:
        left = self.left(clock)
        if left is not None and left <= 0:
            return BudgetExhausted(f"time budget of {self.max_seconds:g} s used up {during}")
        return None

    def take(self, clock: Callable[[], float]) -> None:
        if self.started is None:
            self.started = clock()
        if self.used >= self.max_requests_per_endpoint:
            raise BudgetExhausted(f"request budget of {self.max_requests_per_endpoint} per endpoint used up")
        if clock() - self.started >= self.max_seconds:
            raise BudgetExhausted(f"time budget of {self.max_seconds:g} s used up")
        self.used += 1


def _shape(body: bytes) -> tuple[Any, int | None, int | None, int | None]:
    """(parsed JSON, records, totalCount, maxPageSize) for the array and the paged-object shapes."""
    try:
        data = json.loads(body)
    except ValueError:
        return None, None, None, None
    records = data if isinstance(data, list) else data.get("records") if isinstance(data, dict) else None
    total = data.get("totalCount") if isinstance(data, dict) else None
    max_size = None
    if isinstance(records, list) and records and isinstance(records[0], dict):
        meta = records[0].get("metadata") or {}
        total = total if total is not None else meta.get("totalCount")
        max_size = meta.get("maxPageSize")
    return data, len(records) if isinstance(records, list) else None, total, max_size


class Sampler:
    def __init__(
        self,
        client: httpx.Client,
        budget: Budget,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = 3,
        max_retry_wait: float = 60.0,
    ) -> None:
        self.client = client
        self.budget = budget
        self.time_scale = time_scale
        self.clock = clock
        self.sleep = sleep
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.waited: list[float] = []  # every Retry-After / backoff wait, in real seconds

    def get(self, url: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> tuple[httpx.Response, bytes, float, float, bool, int]:
        """GET with retries on 429/503; returns (response, body, ttfb, total, truncated, attempts), real seconds."""
        for attempt in range(self.max_retries + 1):
            self.budget.take(self.clock)
            start = self.clock()
            try:
                with self.client.stream("GET", url, params=params, headers=headers) as response:
                    ttfb = self.clock() - start
                    chunks: list[bytes] = []
                    size, truncated = 0, False
                    for chunk in response.iter_bytes():
                        chunks.append(chunk)
                        size += len(chunk)
                        if size > self.budget.max_bytes:
                            truncated = True
                            break
                        # the deadline holds inside a response too: a server dripping bytes cannot extend it
                        late = self.budget.exhausted(self.clock, f"while reading {url}")
                        if late is not None:
                            raise late
                    total = self.clock() - start
            except httpx.TimeoutException:
                late = self.budget.exhausted(self.clock, f"while waiting for {url}")
                if late is not None:
                    raise late from None
                raise
            status = response.status_code
            if status in (401, 403):
                raise AuthStop(status, response.request.url.path)
            if status in (429, 503) and attempt < self.max_retries:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                wait = full_jitter(attempt) if wait is None else wait
                if wait > self.max_retry_wait:
                    raise Throttled(f"server asked to wait {wait:g} s (more than {self.max_retry_wait:g} s)")
                left = self.budget.left(self.clock)
                if left is not None and wait >= left:
                    raise BudgetExhausted(f"time budget of {self.budget.max_seconds:g} s would be used up waiting {wait:g} s to retry")
                self.waited.append(wait)
                self.sleep(wait)
                continue
            return response, b"".join(chunks), ttfb, total, truncated, attempt + 1
        raise Throttled("still throttled after retries")  # pragma: no cover - loop always returns

    def measure(self, path: str, page_number: int, page_size: int) -> tuple[Measurement, Any]:
        """Time one list page; returns the measurement and the parsed body (None if truncated or not JSON)."""
        response, body, ttfb, total, truncated, attempts = self.get(
            path, params={"pageNumber": page_number, "pageSize": page_size})
        data, records, total_count, max_size = (None, None, None, None) if truncated else _shape(body)
        scale = self.time_scale or 1.0
        measurement = Measurement(page_number, page_size, response.status_code, ttfb / scale, total / scale,
                                  len(body), truncated, attempts, records, total_count, max_size)
        return measurement, data
