"""Settings of one emulator instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from migrator.sandbox.latency import DEFAULT_LATENCY, LatencyModel
from migrator.sandbox.webhooks import DEFAULT_SIGNATURE_HEADER

GATEWAY_LIMIT_SECONDS = 240.0
JOB_RETENTION_MODEL_SECONDS = 24 * 3600.0  # background state can be polled for 24 hours [DOC]
VNI_TODAY = "today"
VNI_PRE_2025 = "pre-2025"
VNI_MODES = (VNI_TODAY, VNI_PRE_2025)


@dataclass
class SandboxConfig:
    """Everything that shapes the emulator's behaviour.

    Durations in the latency model, `gateway_limit` and the job retention are *model* seconds; the
    emulator sleeps `model_seconds * time_scale` real seconds. Token lifetimes and rate-limit
    windows are real seconds (a client's refresh logic compares them with the real clock).

    `vni_mode` "today" (default) is the old host as it is since 2026-02-01: throttled to
    `vni_rate_limit` calls per `vni_rate_window` per application with a 429, the retired
    subscription and event endpoints answering 410, the password grant refused and only tokens from
    its own token endpoint accepted. "pre-2025" is VNI as legacy code knew it (any bearer that was
    not superseded, subscriptions, password grant, `rate_limit` per company and client), for
    before/after comparisons of unmodified code.
    """

    gateway_limit: float = GATEWAY_LIMIT_SECONDS
    time_scale: float = 1.0
    records: int = 2500
    records_per_resource: dict[str, int] = field(default_factory=dict)
    max_page_size: int | None = None  # None: each root's maxPageSize from the API description
    latency: dict[str, LatencyModel] = field(default_factory=lambda: dict(DEFAULT_LATENCY))
    webhook_url: str | None = None  # the "Developer Portal" subscription for BACKGROUND_API_RESPONSE
    webhook_secret: str | None = None  # the subscription's signature key; None: generated at start-up
    signature_header: str = DEFAULT_SIGNATURE_HEADER
    webhook_attempts: int = 3
    webhook_retry_interval: float = 1.0  # real seconds
    token_ttl: float = 3600.0
    clients: dict[str, str] | None = None  # None: any client id and secret are accepted
    rate_limit: int = 15000
    rate_window: float = 3600.0
    vni_mode: str = VNI_TODAY
    vni_rate_limit: int = 500  # calls per application per window on the old host since 2026-02-01 [DOC]
    vni_rate_window: float = 3600.0
    strict_vni_tokens: bool | None = None  # None: strict in "today" mode, lenient in "pre-2025"
    job_retention: float = JOB_RETENTION_MODEL_SECONDS  # model seconds
    state_dir: Path | None = None  # where the local CA lives; None: a temporary folder

    def __post_init__(self) -> None:
        if self.vni_mode not in VNI_MODES:
            raise ValueError(f"vni_mode must be one of {', '.join(VNI_MODES)}, not {self.vni_mode!r}")

    @property
    def vni_today(self) -> bool:
        return self.vni_mode == VNI_TODAY

    @property
    def vni_strict(self) -> bool:
        return self.vni_today if self.strict_vni_tokens is None else self.strict_vni_tokens

    def record_count(self, resource: str) -> int:
        return self.records_per_resource.get(resource, self.records)

    def real_seconds(self, model_seconds: float) -> float:
        return max(0.0, model_seconds * self.time_scale)

    def job_retention_real(self) -> float:
        """Real seconds a finished job stays pollable (at time scale 0 model time never passes: 24 real hours)."""
        return self.real_seconds(self.job_retention) if self.time_scale > 0 else self.job_retention
