"""The `erp-api-background` header value and the webhook dispatch it asks for.

Signature [DOC]: a Developer Portal subscription has a signature key; each notification carries
base64(HMAC-SHA256(key, raw body bytes)) in a request header. The key is the per-subscription
secret as UTF-8, the digest is base64 with the standard alphabet and padding. Visma's pages do
not name the header: `X-Visma-Signature` is an assumption (the name is seen only in third-party
material) and configurable (`SandboxConfig.signature_header`, `--signature-header`).

Retries: the Developer Portal has retry policy, attempts and interval settings for subscriptions
in the Business NXT docs; for Visma.net ERP the policy is unknown. The sandbox retries a delivery
that fails (connection error or a non-2xx answer) up to `attempts` times in total, `interval`
seconds apart: bounded and configurable, not a claim about Visma's schedule.

Custom headers from `subscription:name=value,...` must be HTTP tokens with visible ASCII values;
anything else is refused when the job is submitted (400 naming the pair), never dropped silently.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_SIGNATURE_HEADER = "X-Visma-Signature"
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 field-name
_VISIBLE = re.compile(r"^[\x20-\x7e]*$")  # visible ASCII and spaces
_KEEP_DELIVERIES = 1000  # the record kept for tests and logs is bounded


@dataclass(frozen=True)
class BackgroundMode:
    """`none`, `subscription[:name=value,...]`, or a URL (deprecated since 2025-04-30)."""

    kind: str  # "none" | "subscription" | "url"
    headers: dict[str, str] = field(default_factory=dict)
    url: str | None = None


class BackgroundHeaderError(ValueError):
    pass


def parse_background_header(value: str) -> BackgroundMode:
    """Parse the header; custom header pairs must be sendable as HTTP headers."""
    text = value.strip()
    if not _VISIBLE.match(text):
        raise BackgroundHeaderError("erp-api-background must be ASCII: header values with other characters cannot be "
                                    "sent on as webhook headers (percent-encode or base64 them)")
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
            if not _TOKEN.match(name.strip()):
                raise BackgroundHeaderError(f"custom header name {name.strip()!r} is not a valid HTTP header name")
            pairs[name.strip()] = val.strip()
        return BackgroundMode("subscription", pairs)
    if lowered.startswith(("http://", "https://")):
        return BackgroundMode("url", url=text)
    raise BackgroundHeaderError("erp-api-background must be none, subscription[:name=value,...] or a URL")


def sign(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret as UTF-8, body)), standard alphabet with padding."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


@dataclass
class Delivery:
    url: str
    headers: dict[str, str]  # the custom headers (not the signature)
    body: dict[str, Any]
    status: int | None = None
    error: str | None = None
    attempts: int = 0
    signature: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # in total, first try included
    interval: float = 1.0  # real seconds between attempts


class WebhookDispatcher:
    """POSTs notifications, signed when the subscription has a secret, retrying per `policy`."""

    def __init__(self, timeout: float = 10.0, policy: RetryPolicy | None = None,
                 signature_header: str = DEFAULT_SIGNATURE_HEADER) -> None:
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self.signature_header = signature_header
        self.deliveries: deque[Delivery] = deque(maxlen=_KEEP_DELIVERIES)
        self._lock = threading.Lock()

    def dispatch(self, url: str, custom_headers: dict[str, str], body: dict[str, Any],
                 secret: str | None = None) -> Delivery:
        raw = json.dumps(body, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json", **custom_headers}
        delivery = Delivery(url, dict(custom_headers), body)
        if secret is not None:
            delivery.signature = headers[self.signature_header] = sign(secret, raw)
        for attempt in range(1, max(1, self.policy.attempts) + 1):
            delivery.attempts = attempt
            try:
                # trust_env=False: the sandbox's own proxy variables must not loop the webhook back into it
                with httpx.Client(timeout=self.timeout, trust_env=False) as client:
                    delivery.status = client.post(url, content=raw, headers=headers).status_code
                delivery.error = None
            except (httpx.HTTPError, UnicodeEncodeError) as exc:
                delivery.status, delivery.error = None, f"{type(exc).__name__}: {exc}"
            if delivery.status is not None and 200 <= delivery.status < 300:
                break
            if attempt < self.policy.attempts:
                time.sleep(self.policy.interval)
        if delivery.error or not (delivery.status and 200 <= delivery.status < 300):
            # a failed delivery is said out loud, never dropped silently
            sys.stderr.write(f"sandbox: webhook to {url} failed after {delivery.attempts} attempt(s): "
                             f"{delivery.error or delivery.status}\n")
        with self._lock:
            self.deliveries.append(delivery)
        return delivery
