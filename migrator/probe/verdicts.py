"""OK / APPROACHING / EXCEEDS against the gateway's per-request cut."""

from __future__ import annotations

from enum import Enum

APPROACHING_FRACTION = 0.8


class Verdict(str, Enum):
    OK = "OK"
    APPROACHING = "APPROACHING"  # >= 80 % of the cut
    EXCEEDS = "EXCEEDS"  # >= the cut
    UNKNOWN = "UNKNOWN"  # nothing measured or predicted


def verdict_for(seconds: float | None, limit: float, cut_seen: bool = False) -> Verdict:
    """Judge the worst per-request duration (measured or predicted) of an endpoint."""
    if cut_seen:
        return Verdict.EXCEEDS
    if seconds is None:
        return Verdict.UNKNOWN
    if seconds >= limit:
        return Verdict.EXCEEDS
    if seconds >= APPROACHING_FRACTION * limit:
        return Verdict.APPROACHING
    return Verdict.OK


def is_failing(verdict: Verdict) -> bool:
    return verdict in (Verdict.APPROACHING, Verdict.EXCEEDS)
