"""The migrated Flask listener checks Visma's signature (HMAC-SHA256 of the raw body with the
subscription's key, base64) before it acts: served for real on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import httpx
import pytest

from migrator.findings import FixSafety
from migrator.webhooks import signature
from tests.webhooks.conftest import imported, werkzeug_server
from tests.webhooks.helpers import by_rule, fix, tree

SECRET = "k3y-from-the-developer-portal"
BODY = json.dumps({"id": "job-1", "status": "Finished", "statusCode": 200}).encode()


def _sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    root = tree(tmp_path, {
        "hookapp/__init__.py": "",
        "hookapp/sender.py": '''
            def start(session, tenant):
                return session.get("https://api.finance.visma.net/v1/customer",
                                   headers={"erp-api-background": f"https://hooks.example.com/visma/{tenant}/done"})
            ''',
        "hookapp/listener.py": '''
            from flask import Flask

            app = Flask(__name__)
            RECEIVED = []


            @app.post("/visma/<int:tenant>/done")
            def done(tenant):
                RECEIVED.append(tenant)
                return {"ok": True}
            ''',
    })
    result = fix(root)
    (listener,) = by_rule(result, "VNI011")
    assert listener.extra.get("fixed")
    (note,) = [f for f in by_rule(result, "VNI011", notes=True) if "signature" in f.extra]
    assert note.fix is FixSafety.MANUAL and "NOT confirmed by Visma's documentation" in note.message
    assert "approve the webhook scopes" in note.message
    assert (root / "hookapp/visma_webhook.py").read_text() == signature.helper_source()
    return root


def _deliver(root: Path, signature_value: str | None, body: bytes = BODY) -> tuple[int, list]:
    with imported(root, "hookapp.listener") as (listener,), werkzeug_server(listener.app) as base:
        headers = {"tenant": "42", "Content-Type": "application/json"}
        if signature_value is not None:
            headers["X-Visma-Signature"] = signature_value
        status = httpx.post(f"{base}/visma/done", content=body, headers=headers).status_code
        return status, list(listener.RECEIVED)


def test_correct_signature_is_accepted(migrated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISMA_WEBHOOK_SECRET", SECRET)
    assert _deliver(migrated, _sign(BODY)) == (200, [42])


def test_wrong_or_missing_signature_is_rejected(migrated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISMA_WEBHOOK_SECRET", SECRET)
    assert _deliver(migrated, _sign(BODY, "another key")) == (401, [])
    assert _deliver(migrated, _sign(b"{}")) == (401, [])  # signed for another body
    assert _deliver(migrated, None) == (401, [])


def test_without_a_secret_every_notification_is_rejected(migrated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISMA_WEBHOOK_SECRET", raising=False)
    assert _deliver(migrated, _sign(BODY)) == (401, [])


def test_header_name_comes_from_the_environment(migrated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISMA_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("VISMA_WEBHOOK_SIGNATURE_HEADER", "X-Other-Signature")
    assert _deliver(migrated, _sign(BODY)) == (401, [])  # sent under the default name: not the configured one
