"""A thin requests-based client for the Visma.net ERP API."""

from __future__ import annotations

import os
from urllib.parse import urljoin

import requests

from visma_sync import config


class VismaClient:
    """Talks to Visma.net ERP.

    The base is kept short; every call adds /controller/api/v1/... itself.
    """

    base = "https://integration.visma.net/API"

    def __init__(self, token: str | None = None, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {token or os.environ.get('VISMA_TOKEN', '')}",
                "ipp-company-id": config.COMPANY_ID,
                "ipp-application-type": "Visma.net Financials",
            }
        )

    def customers(self, page: int = 1) -> list[dict]:
        url = self.base + "/controller/api/v1/customer"
        response = self.session.get(url, params={"pageNumber": page, "pageSize": config.PAGE_SIZE})
        response.raise_for_status()
        return response.json()

    def customer(self, number: str) -> dict:
        response = self.session.get(f"{self.base}/controller/api/v1/customer/{number}")
        response.raise_for_status()
        return response.json()

    def invoices(self, since: str) -> list[dict]:
        url = "%s/controller/api/v1/customerinvoice" % self.base
        response = self.session.get(url, params={"lastModifiedDateTime": since, "pageSize": config.PAGE_SIZE})
        response.raise_for_status()
        return response.json()

    def background_state(self, job_id: str) -> dict:
        """State of a background job (https://integration.visma.net/API/controller/api/v1/background/{id})."""
        response = self.session.get("{}/controller/api/v1/background/{}".format(self.base, job_id))
        response.raise_for_status()
        return response.json()


def account_list(session: requests.Session) -> list[dict]:
    # Already half migrated: host swapped, prefix kept.
    response = session.get(config.VISMA_ACCOUNTS_URL, params={"pageSize": 100})
    response.raise_for_status()
    return response.json()


EXPORT_ROOT = "https://integration.visma.net/API/"


def export_url(resource: str) -> str:
    """URL of an export resource."""
    return urljoin(EXPORT_ROOT, "controller/api/v1/" + resource)
