"""Nightly job: export customers and their invoices to CSV."""

from __future__ import annotations

import argparse
import csv
import os
from pathlib import Path

import httpx

from visma_sync import config
from visma_sync.client import VismaClient

SUPPLIERS = "https://integration.visma.net/API/controller/api/v1/supplier"


def export_customers(client: VismaClient, out: Path) -> int:
    rows = client.customers()
    with open(out / "customers.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "name"])
        for row in rows:
            writer.writerow([row.get("number"), row.get("name")])
    return len(rows)


def export_suppliers(out: Path, token: str) -> int:
    # Suppliers come from the v1 API at https://integration.visma.net/API/controller/api/v1/supplier
    with httpx.Client(base_url="https://integration.visma.net/API/controller", timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
        response = http.get("/api/v1/supplier", params={"pageSize": config.PAGE_SIZE})
        response.raise_for_status()
        rows = response.json()
    (out / "suppliers.count").write_text(str(len(rows)), encoding="utf-8")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("export"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    client = VismaClient(token=os.environ.get("VISMA_TOKEN"))
    print("customers", export_customers(client, args.out))
    print("suppliers", export_suppliers(args.out, os.environ.get("VISMA_TOKEN", "")))


if __name__ == "__main__":
    main()
