"""Generate a hit-heavy tree of realistic integration code (default: 500 modules, ~140k lines)."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

RESOURCES = ["customer", "customerinvoice", "supplier", "supplierinvoice", "account", "journaltransaction",
             "generalLedgerTransactions", "salesorder", "inventory", "project"]

CLASS_TEMPLATE = '''

class {name}Client:
    """Client for the {resource} resource of Visma.net ERP."""

    base = "https://integration.visma.net/API"
    page_size = {page}

    def __init__(self, session, company_id: str) -> None:
        self.session = session
        self.headers = {{"ipp-company-id": company_id, "ipp-application-type": "Visma.net Financials"}}

    def list(self, page: int = 1) -> list:
        url = self.base + "/controller/api/v1/{resource}"
        response = self.session.get(url, headers=self.headers, params={{"pageNumber": page, "pageSize": self.page_size}})
        response.raise_for_status()
        return response.json()

    def get(self, key: str) -> dict:
        response = self.session.get(f"{{self.base}}/controller/api/v1/{resource}/{{key}}", headers=self.headers)
        response.raise_for_status()
        return response.json()

    def changed_since(self, since: str) -> list:
        url = "%s/controller/api/v1/{resource}" % self.base
        response = self.session.get(url, params={{"lastModifiedDateTime": since}})
        if response.status_code == 429:
            raise RuntimeError("rate limited: " + response.headers.get("Retry-After", "?"))
        return response.json()

    def summarise(self, rows: list) -> dict:
        totals: dict = {{}}
        for row in rows:
            key = row.get("status", "unknown")
            totals[key] = totals.get(key, 0) + 1
        return totals
'''

MODULE_HEADER = '''"""Generated integration module {index}."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

LOG = logging.getLogger(__name__)
VISMA_URL_{index} = "https://integration.visma.net/API/controller/api/v1/"
EXPORT_ROOT_{index} = "https://integration.visma.net/API/"
SALES_ORDERS = "https://salesorder.visma.net/api/v1/salesorder"


def export_url_{index}(resource: str) -> str:
    return urljoin(EXPORT_ROOT_{index}, "controller/api/v1/" + resource)
'''


def generate(root: Path, modules: int, classes_per_module: int = 7, seed: int = 7) -> int:
    rng = random.Random(seed)
    lines = 0
    for i in range(modules):
        package = root / f"pkg{i // 50}"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
        parts = [MODULE_HEADER.format(index=i)]
        for j in range(classes_per_module):
            resource = rng.choice(RESOURCES)
            parts.append(CLASS_TEMPLATE.format(name=f"{resource.title()}{i}x{j}", resource=resource, page=rng.choice([100, 500, 1000])))
        text = "".join(parts)
        (package / f"module_{i}.py").write_text(text, encoding="utf-8")
        lines += text.count("\n")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--modules", type=int, default=500)
    args = parser.parse_args()
    print(generate(args.root, args.modules), "lines")
