"""Month-end job: export the general ledger transactions to CSV.

One large page in one call. The old gateway let it run as long as it needed, hence the long
timeout; API Management cuts a request at 4 minutes.
"""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path

import requests

from visma_sync.client import VismaClient

GL_URL = "https://integration.visma.net/API/controller/api/v1/generalLedgerTransactions"


def export_ledger(session: requests.Session, out: Path) -> int:
    response = session.get(GL_URL, params={"pageNumber": 1, "pageSize": 1000}, timeout=300)
    response.raise_for_status()
    rows = response.json()
    with open(out / "ledger.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tranId", "batchNumber", "account", "period", "debit", "credit"])
        for row in rows:
            writer.writerow([row.get("tranId"), row.get("batchNumber"), (row.get("account") or {}).get("number"),
                             row.get("period"), row.get("debitAmount"), row.get("creditAmount")])
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("export"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    client = VismaClient(token=os.environ.get("VISMA_TOKEN"))
    print("ledger", export_ledger(client.session, args.out))


if __name__ == "__main__":
    main()
