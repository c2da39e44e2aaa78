"""Waiting politely: `Retry-After` (seconds or HTTP-date) and full-jitter backoff."""

from __future__ import annotations

import datetime as dt
import email.utils
import random


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header, or None when absent or unreadable (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def full_jitter(attempt: int, base: float = 1.0, cap: float = 30.0, rng: random.Random | None = None) -> float:
    """`random(0, min(cap, base * 2**attempt))`: spreads retries of many clients apart."""
    return (rng or random).uniform(0.0, min(cap, base * 2**attempt))
