"""Gets the VNI access token (written for the VNI gateway: one token per user that never expires)."""

from __future__ import annotations

import os

import requests

TOKEN_URL = "https://integration.visma.net/API/security/api/v2/token"
AUTHORIZE_URL = "https://integration.visma.net/API/resources/oauth/authorize"
CONTEXT_URL = "https://integration.visma.net/API/resources/v1/context"


def authorize_url(redirect_uri: str) -> str:
    """Where the user signs in to let the integration act for them (authorization code flow)."""
    client_id = os.environ["VISMA_CLIENT_ID"]
    return f"{AUTHORIZE_URL}?response_type=code&client_id={client_id}&redirect_uri={redirect_uri}"


def password_token(username: str, password: str) -> str:
    """Old test clients could still use the password grant."""
    response = requests.post(
        TOKEN_URL,
        data={
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": os.environ["VISMA_CLIENT_ID"],
            "client_secret": os.environ["VISMA_CLIENT_SECRET"],
        },
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["token"]


def companies(token: str) -> list[dict]:
    """The companies the token's user may work in; the integration asks which one to sync."""
    response = requests.get(CONTEXT_URL, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    response.raise_for_status()
    return response.json()
