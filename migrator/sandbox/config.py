"""Settings of one emulator instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrator.sandbox.latency import DEFAULT_LATENCY, LatencyModel

GATEWAY_LIMIT_SECONDS = 240.0


@dataclass
class SandboxConfig:
    """Everything that shapes the emulator's behaviour.

    Durations in the latency model and `gateway_limit` are *model* seconds; the emulator sleeps
    `model_seconds * time_scale` real seconds. Token lifetimes and rate-limit windows are real
    seconds (a client's refresh logic compares them with the real clock).
    """

    gateway_limit: float = GATEWAY_LIMIT_SECONDS
    time_scale: float = 1.0
    records: int = 2500
    records_per_resource: dict[str, int] = field(default_factory=dict)
    max_page_size: int = 1000
    latency: dict[str, LatencyModel] = field(default_factory=lambda: dict(DEFAULT_LATENCY))
    webhook_url: str | None = None  # the "Developer Portal" subscription for BACKGROUND_API_RESPONSE
    token_ttl: float = 3600.0
    clients: dict[str, str] | None = None  # None: any client id and secret are accepted
    rate_limit: int = 15000
    rate_window: float = 3600.0
    strict_vni_tokens: bool = False  # False: any bearer not superseded by a newer VNI token passes
    state_dir: Path | None = None  # where the local CA lives; None: a temporary folder

    def record_count(self, resource: str) -> int:
        return self.records_per_resource.get(resource, self.records)

    def real_seconds(self, model_seconds: float) -> float:
        return max(0.0, model_seconds * self.time_scale)
