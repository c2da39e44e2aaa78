"""Check that a webhook notification really comes from Visma before acting on it.

Visma's webhook documentation describes a signature key generated with each subscription and a
signature sent in a header: HMAC SHA-256 of the UTF-8 message, base64 encoded. This module checks
it over the raw request body:

    if not visma_webhook.signature_ok(request.get_data(), request.headers):
        return "invalid webhook signature", 401

`VISMA_WEBHOOK_SECRET` holds the subscription's signature key. The header's name is read from
`VISMA_WEBHOOK_SIGNATURE_HEADER` (default `X-Visma-Signature`): Visma's documentation does not
name the header, so check it against a real delivery. Without a secret every notification is
rejected (a listener that accepts anything lets anyone trigger its handlers).

Self-contained on purpose (standard library only). Written into this project by vni-migrate
(rule VNI011); vni-migrate never overwrites a copy that was changed after it was written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping

__all__ = ["DEFAULT_HEADER", "expected_signature", "signature_header", "signature_ok"]

HELPER_VERSION = 1
DEFAULT_HEADER = "X-Visma-Signature"


def signature_header() -> str:
    """The name of the header that carries the signature."""
    return os.environ.get("VISMA_WEBHOOK_SIGNATURE_HEADER", "").strip() or DEFAULT_HEADER


def expected_signature(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(key=secret as UTF-8, message=the raw body))."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_ok(body: bytes, headers: Mapping[str, str], secret: str | None = None) -> bool:
    """Whether `headers` carry the right signature of `body` (the secret defaults to the
    environment variable VISMA_WEBHOOK_SECRET; no secret: False)."""
    key = os.environ.get("VISMA_WEBHOOK_SECRET", "") if secret is None else secret
    if not key:
        return False
    wanted = signature_header()
    received = headers.get(wanted)
    if received is None:  # a plain dict: look the name up case-insensitively
        received = next((v for k, v in headers.items() if k.lower() == wanted.lower()), None)
    if not received:
        return False
    return hmac.compare_digest(received.strip().encode("utf-8"), expected_signature(body, key).encode("utf-8"))
