"""The `erp-api-background` header value and the webhook dispatch it asks for."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class BackgroundMode:
    """`none`, `subscription[:name=value,...]`, or a URL (deprecated since 2025-04-30)."""

    kind: str  # "none" | "subscription" | "url"
    headers: dict[str, str] = field(default_factory=dict)
    url: str | None = None


class BackgroundHeaderError(ValueError):
    pass


def parse_background_header(value: str) -> BackgroundMode:
    text = value.strip()
    lowered = text.lower()
    if lowered == "none":
        return BackgroundMode("none")
    if lowered == "subscription" or lowered.startswith("subscription:"):
        pairs: dict[str, str] = {}
        rest = text[len("subscription:"):] if ":" in text else ""
        for item in filter(None, (part.strip() for part in rest.split(","))):
            name, sep, val = item.partition("=")
            if not sep or not name.strip():
                raise BackgroundHeaderError(f"custom header pair {item!r} is not name=value")
            pairs[name.strip()] = val.strip()
        return BackgroundMode("subscription", pairs)
    if lowered.startswith(("http://", "https://")):
        return BackgroundMode("url", url=text)
    raise BackgroundHeaderError("erp-api-background must be none, subscription[:name=value,...] or a URL")


@dataclass
class Delivery:
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int | None = None
    error: str | None = None


class WebhookDispatcher:
    """POSTs notifications; keeps a record of each delivery for tests and the terminal log."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()

    def dispatch(self, url: str, custom_headers: dict[str, str], body: dict[str, Any]) -> Delivery:
        headers = {"Content-Type": "application/json", **custom_headers}
        delivery = Delivery(url, dict(custom_headers), body)
        try:
            # trust_env=False: the sandbox's own proxy variables must not loop the webhook back into it
            with httpx.Client(timeout=self.timeout, trust_env=False) as client:
                delivery.status = client.post(url, content=json.dumps(body), headers=headers).status_code
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.deliveries.append(delivery)
        return delivery
