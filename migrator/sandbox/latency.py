"""The emulator's latency model: how long a list call takes, in model seconds.

`seconds = fixed + per_record * records_returned + per_offset_record * records_skipped`.
The last term models offset paging getting slower with depth. Model seconds become real
seconds through `SandboxConfig.time_scale`, so tests can run a "240 s" cut in half a second.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LatencyModel:
    fixed: float
    per_record: float
    per_offset_record: float = 0.0

    def seconds(self, records: int, offset: int = 0) -> float:
        """Model duration of one list request returning `records` rows after skipping `offset`."""
        return self.fixed + self.per_record * records + self.per_offset_record * offset


# Chosen so a 1000-record page spans the verdicts: account/customer OK, customerinvoice OK,
# journaltransaction APPROACHING (216 s >= 192 s), generalledgertransactions EXCEEDS (303 s).
DEFAULT_LATENCY: dict[str, LatencyModel] = {
    "account": LatencyModel(0.2, 0.002),
    "customer": LatencyModel(0.5, 0.02),
    "customerinvoice": LatencyModel(1.0, 0.08),
    "supplier": LatencyModel(0.4, 0.015),
    "supplierinvoice": LatencyModel(1.0, 0.06),
    "journaltransaction": LatencyModel(5.0, 0.211),
    "generalledgertransactions": LatencyModel(3.0, 0.3, 0.001),
    # roots a probe of a real integration meets often: department OK, generalLedgerBalance APPROACHING
    # (205 s at 1000), inventory EXCEEDS (250.5 s at 1000); every other root uses DEFAULT_MODEL
    "department": LatencyModel(0.2, 0.004),
    "generalledgerbalance": LatencyModel(5.0, 0.2),
    "inventory": LatencyModel(0.5, 0.25),
    "salesorder": LatencyModel(1.0, 0.1),
}

DEFAULT_MODEL = LatencyModel(0.2, 0.005)

SINGLE_RECORD = LatencyModel(0.1, 0.0)
