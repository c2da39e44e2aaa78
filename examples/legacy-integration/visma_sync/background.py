"""Invoice export through the background API: Visma calls our webhook listener when it is done."""

from __future__ import annotations

import requests

WEBHOOK_BASE = "https://hooks.example.com/visma"


def start_invoice_export(session: requests.Session, tenant: int, batch: int) -> str:
    """Queue the export; the result is posted to the listener in visma_sync.webhooks."""
    response = session.get(
        "https://integration.visma.net/API/controller/api/v1/customerinvoice",
        params={"pageSize": 500},
        headers={"erp-api-background": f"{WEBHOOK_BASE}/{tenant}/jobs?batch={batch}"},
    )
    response.raise_for_status()
    return response.json()["id"]
