"""Deterministic generated records for every resource root, per tenant.

Record `i` of a resource for a tenant is a pure function of (tenant, resource, i), so every run,
every page size and the background API see the same data without holding it in memory, and two
tenants never see each other's names, amounts or statuses. Keys (`10000`, `I100000`, ...) are the
same pattern in every tenant, as record numbers are in separate Visma companies.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_NAMES = ["Nordic", "Fjord", "Aurora", "Birch", "Granite", "Harbour", "Lynx", "Midnight", "Polar", "Tundra"]
_SUFFIXES = ["AS", "AB", "Oy", "ApS", "Ltd", "BV"]
_EPOCH = dt.datetime(2024, 1, 1)

Maker = Callable[[random.Random, int], dict[str, Any]]


def _rng(tenant: str, resource: str, index: int) -> random.Random:
    return random.Random(f"{tenant}:{resource}:{index}")  # str seeds are hashed with SHA-512: stable across runs


def _date(rng: random.Random) -> str:
    return (_EPOCH + dt.timedelta(days=rng.randrange(0, 700))).isoformat()


def _modified(rng: random.Random) -> str:
    moment = _EPOCH + dt.timedelta(days=rng.randrange(0, 700), seconds=rng.randrange(0, 86400))
    return moment.isoformat(timespec="milliseconds")


def _amount(rng: random.Random, high: int = 50000) -> float:
    return round(rng.uniform(10, high), 2)


def _customer(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "name": f"{rng.choice(_NAMES)} {rng.choice(_NAMES)} {rng.choice(_SUFFIXES)}",
        "status": rng.choice(["Active", "Active", "Active", "OnHold", "Inactive"]),
        "creditLimit": _amount(rng, 200000),
    }


def _supplier(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "name": f"{rng.choice(_NAMES)} {rng.choice(_SUFFIXES)}",
        "status": rng.choice(["Active", "Active", "OnHold"]),
        "currencyId": rng.choice(["NOK", "SEK", "EUR", "DKK"]),
    }


def _invoice(party: str) -> Maker:
    def make(rng: random.Random, i: int) -> dict[str, Any]:
        amount = _amount(rng)
        return {
            party: {"number": str(10000 + rng.randrange(0, 500))},
            "documentDate": _date(rng),
            "amount": amount,
            "balance": round(amount * rng.choice([0, 0, 0.5, 1]), 2),
            "status": rng.choice(["Open", "Closed", "Balanced", "Hold"]),
            "currencyId": rng.choice(["NOK", "SEK", "EUR", "DKK"]),
        }
    return make


def _account(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "description": f"{rng.choice(_NAMES)} account {i}",
        "type": rng.choice(["Asset", "Liability", "Income", "Expense"]),
        "active": rng.random() > 0.1,
    }


def _journal(rng: random.Random, i: int) -> dict[str, Any]:
    amount = _amount(rng)
    accounts = [str(1000 + rng.randrange(0, 400)) for _ in range(2)]
    return {
        "module": rng.choice(["ModuleGL", "ModuleAP", "ModuleAR"]),
        "transactionDate": _date(rng),
        "status": rng.choice(["Posted", "Released", "Balanced"]),
        "journalTransactionLines": [
            {"lineNumber": 1, "accountNumber": accounts[0], "debitAmount": amount, "creditAmount": 0},
            {"lineNumber": 2, "accountNumber": accounts[1], "debitAmount": 0, "creditAmount": amount},
        ],
    }


def _gl(rng: random.Random, i: int) -> dict[str, Any]:
    amount = _amount(rng, 20000)
    debit = rng.random() > 0.5
    return {
        "batchNumber": f"GL{200000 + i // 4}",
        "account": {"number": str(1000 + rng.randrange(0, 400))},
        "period": f"2025{rng.randrange(1, 13):02d}",
        "debitAmount": amount if debit else 0,
        "creditAmount": 0 if debit else amount,
    }


def _gl_balance(rng: random.Random, i: int) -> dict[str, Any]:
    debit, credit = _amount(rng, 90000), _amount(rng, 90000)
    return {
        "period": f"2025{1 + i % 12:02d}",
        "ledger": {"number": "ACTUAL"},
        "balanceType": "Actual",
        "periodToDateDebit": debit,
        "periodToDateCredit": credit,
        "closingBalance": round(debit - credit, 2),
    }


def _department(rng: random.Random, i: int) -> dict[str, Any]:
    return {"description": f"{rng.choice(_NAMES)} department", "expenseAccount": {"number": str(6000 + i % 90)}}


def _inventory(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "description": f"{rng.choice(_NAMES)} {rng.choice(['bolt', 'panel', 'cable', 'valve', 'sensor'])}",
        "type": rng.choice(["FinishedGoodItem", "NonStockItem", "ComponentPart"]),
        "status": rng.choice(["Active", "Active", "Inactive"]),
        "defaultPrice": _amount(rng, 5000),
    }


def _sales_order(rng: random.Random, i: int) -> dict[str, Any]:
    return {
        "orderType": rng.choice(["SO", "SO", "QT"]),
        "customer": {"number": str(10000 + rng.randrange(0, 500))},
        "date": _date(rng),
        "status": rng.choice(["Open", "Completed", "Hold", "Shipping"]),
        "orderTotal": _amount(rng),
    }


def _generic(resource: str) -> Maker:
    label = resource.split("/")[0]

    def make(rng: random.Random, i: int) -> dict[str, Any]:
        return {
            "description": f"{rng.choice(_NAMES)} {label} {i + 1}",
            "status": rng.choice(["Active", "Active", "Inactive"]),
            "createdDateTime": _date(rng),
        }
    return make


@dataclass(frozen=True)
class _Keys:
    """How record keys are spelled: `prefix + (base + index)`; the inverse gives the index back."""

    prefix: str
    base: int

    def value(self, index: int) -> str:
        return f"{self.prefix}{self.base + index}"

    def index(self, key: str) -> int | None:
        match = re.fullmatch(re.escape(self.prefix) + r"(\d+)", key, re.IGNORECASE)
        return int(match.group(1)) - self.base if match else None


_KNOWN: dict[str, tuple[_Keys, Maker]] = {
    "customer": (_Keys("", 10000), _customer),
    "customerinvoice": (_Keys("I", 100000), _invoice("customer")),
    "supplier": (_Keys("", 20000), _supplier),
    "supplierinvoice": (_Keys("S", 100000), _invoice("supplier")),
    "account": (_Keys("", 1000), _account),
    "journaltransaction": (_Keys("GL", 200000), _journal),
    "generalledgertransactions": (_Keys("", 500000), _gl),
    "generalledgerbalance": (_Keys("", 1000), _gl_balance),
    "department": (_Keys("D", 100), _department),
    "inventory": (_Keys("ART", 1000), _inventory),
    "salesorder": (_Keys("", 300000), _sales_order),
}


@dataclass(frozen=True)
class Resource:
    name: str  # lower-case root ("customer", "customer/balance")
    key: str  # field that identifies one record in `/vN/{root}/{key}`
    keys: _Keys
    make: Maker

    def record(self, index: int, tenant: str = "1234567") -> dict[str, Any]:
        rng = _rng(tenant, self.name, index)
        body: dict[str, Any] = {self.key: self.keys.value(index)}
        body.update((k, v) for k, v in self.make(rng, index).items() if k != self.key)  # the key always wins
        body.setdefault("lastModifiedDateTime", _modified(rng))
        return body

    def index_of(self, key_value: str, total: int) -> int | None:
        index = self.keys.index(key_value)
        return index if index is not None and 0 <= index < total else None


def resource_for(name: str, key: str) -> Resource:
    """The generator for a root of the API description (known roots get realistic fields)."""
    lowered = name.lower()
    keys, make = _KNOWN.get(lowered, (_Keys("", 100000), _generic(lowered)))
    return Resource(lowered, key, keys, make)
