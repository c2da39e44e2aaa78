"""Period exports: the base comes from the settings module, the paths are added here."""

from __future__ import annotations

from visma_sync import settings
from visma_sync.settings import ARCHIVE_BASE


def ledger_url(period: str) -> str:
    return f"{settings.VISMA_BASE}/controller/api/v1/generalLedgerTransactions?periodId={period}"


def journal_url() -> str:
    return settings.VISMA_BASE + "/controller/api/v1/journaltransaction"


def archived_accounts_url() -> str:
    return ARCHIVE_BASE + "/controller/api/v1/account"
