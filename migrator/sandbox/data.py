"""Deterministic generated records for the emulated resources.

Record `i` of a resource is a pure function of (resource, i), so every run, every page size and
the background API all see the same data without holding it in memory.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_NAMES = ["Nordic", "Fjord", "Aurora", "Birch", "Granite", "Harbour", "Lynx", "Midnight", "Polar", "Tundra"]
_SUFFIXES = ["AS", "AB", "Oy", "ApS", "Ltd", "BV"]
_EPOCH = dt.date(2024, 1, 1)


def _rng(resource: str, index: int) -> random.Random:
    return random.Random(f"{resource}:{index}")  # str seeds are hashed with SHA-512: stable across runs


def _date(rng: random.Random) -> str:
    return (_EPOCH + dt.timedelta(days=rng.randrange(0, 700))).isoformat() + "T00:00:00"


def _amount(rng: random.Random, high: int = 50000) -> float:
    return round(rng.uniform(10, high), 2)


def _customer(i: int) -> dict[str, Any]:
    rng = _rng("customer", i)
    return {
        "number": str(10000 + i),
        "name": f"{rng.choice(_NAMES)} {rng.choice(_NAMES)} {rng.choice(_SUFFIXES)}",
        "status": rng.choice(["Active", "Active", "Active", "OnHold", "Inactive"]),
        "creditLimit": _amount(rng, 200000),
        "lastModifiedDateTime": _date(rng),
    }


def _supplier(i: int) -> dict[str, Any]:
    rng = _rng("supplier", i)
    return {
        "number": str(20000 + i),
        "name": f"{rng.choice(_NAMES)} {rng.choice(_SUFFIXES)}",
        "status": rng.choice(["Active", "Active", "OnHold"]),
        "currencyId": rng.choice(["NOK", "SEK", "EUR", "DKK"]),
        "lastModifiedDateTime": _date(rng),
    }


def _invoice(kind: str, party: str, i: int) -> dict[str, Any]:
    rng = _rng(kind, i)
    amount = _amount(rng)
    return {
        "referenceNumber": f"{'I' if kind == 'customerinvoice' else 'S'}{100000 + i}",
        party: {"number": str(10000 + rng.randrange(0, 500))},
        "documentDate": _date(rng),
        "amount": amount,
        "balance": round(amount * rng.choice([0, 0, 0.5, 1]), 2),
        "status": rng.choice(["Open", "Closed", "Balanced", "Hold"]),
        "currencyId": rng.choice(["NOK", "SEK", "EUR", "DKK"]),
    }


def _account(i: int) -> dict[str, Any]:
    rng = _rng("account", i)
    return {
        "accountCd": str(1000 + i),
        "description": f"{rng.choice(_NAMES)} account {i}",
        "type": rng.choice(["Asset", "Liability", "Income", "Expense"]),
        "active": rng.random() > 0.1,
    }


def _journal(i: int) -> dict[str, Any]:
    rng = _rng("journaltransaction", i)
    amount = _amount(rng)
    accounts = [str(1000 + rng.randrange(0, 400)) for _ in range(2)]
    return {
        "batchNumber": f"GL{200000 + i}",
        "module": rng.choice(["ModuleGL", "ModuleAP", "ModuleAR"]),
        "transactionDate": _date(rng),
        "status": rng.choice(["Posted", "Released", "Balanced"]),
        "journalTransactionLines": [
            {"lineNumber": 1, "accountNumber": accounts[0], "debitAmount": amount, "creditAmount": 0},
            {"lineNumber": 2, "accountNumber": accounts[1], "debitAmount": 0, "creditAmount": amount},
        ],
    }


def _gl(i: int) -> dict[str, Any]:
    rng = _rng("generalledgertransactions", i)
    amount = _amount(rng, 20000)
    debit = rng.random() > 0.5
    return {
        "tranId": 500000 + i,
        "batchNumber": f"GL{200000 + i // 4}",
        "account": {"number": str(1000 + rng.randrange(0, 400))},
        "period": f"2025{rng.randrange(1, 13):02d}",
        "debitAmount": amount if debit else 0,
        "creditAmount": 0 if debit else amount,
    }


@dataclass(frozen=True)
class Resource:
    name: str  # lower-case path segment, matched case-insensitively
    key: str  # field that identifies one record in `/v1/{name}/{key}`
    make: Callable[[int], dict[str, Any]]

    def record(self, index: int) -> dict[str, Any]:
        return self.make(index)

    def index_of(self, key_value: str, total: int) -> int | None:
        for index in range(total):
            if str(self.make(index)[self.key]) == key_value:
                return index
        return None


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource("customer", "number", _customer),
        Resource("customerinvoice", "referenceNumber", lambda i: _invoice("customerinvoice", "customer", i)),
        Resource("supplier", "number", _supplier),
        Resource("supplierinvoice", "referenceNumber", lambda i: _invoice("supplierinvoice", "supplier", i)),
        Resource("account", "accountCd", _account),
        Resource("journaltransaction", "batchNumber", _journal),
        Resource("generalledgertransactions", "tranId", _gl),
    )
}


def resource_named(segment: str) -> Resource | None:
    return RESOURCES.get(segment.lower())
