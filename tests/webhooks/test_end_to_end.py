"""End to end: migrate sender and listener, run the migrated listener for real, deliver the notification
the migrated sender asked for, and check the listener recovers exactly what the old URL gave it.

The Flask example goes through the sandbox both times: the legacy sender on the VNI gateway (which
still calls the URL in `erp-api-background`), the migrated one on API Management (which sends
`BACKGROUND_API_RESPONSE` to the subscription URL with the custom headers it parsed from
`subscription:...`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import requests

from migrator.findings import FixSafety
from migrator.sandbox.server import running_sandbox
from migrator.sandbox.webhooks import parse_background_header
from tests.conftest import ROOT
from tests.webhooks.conftest import imported, uvicorn_server, wait_for, werkzeug_server
from tests.webhooks.helpers import by_rule, fix

FIXTURES = ROOT / "tests/fixtures/webhooks"


def _session(sandbox) -> requests.Session:  # type: ignore[no-untyped-def]
    session = requests.Session()
    session.trust_env = False
    session.proxies = {"https": sandbox.url}
    session.verify = sandbox.environment()["REQUESTS_CA_BUNDLE"]
    session.headers["Authorization"] = f"Bearer {sandbox.issue_token()}"
    return session


def _legacy_delivery(package: Path) -> list[dict]:
    """The unmigrated example: VNI calls the webhook URL; what did the listener get?"""
    with imported(package, "visma_sync.background", "visma_sync.webhooks") as (background, webhooks):
        with werkzeug_server(webhooks.create_app()) as listener, running_sandbox(
            time_scale=0.002, records=50, vni_mode="pre-2025"  # legacy code: VNI as it answered before 2025
        ) as sandbox:
            background.WEBHOOK_BASE = f"{listener}/visma"  # the URL's host is ours; its path and query are not touched
            background.start_invoice_export(_session(sandbox), tenant=42, batch=7)
            wait_for(lambda: webhooks.RECEIVED, "the legacy listener got no notification")
        return list(webhooks.RECEIVED)


SECRET = "subscription-signature-key"


def signed(app, secret: str = SECRET):  # type: ignore[no-untyped-def]
    """WSGI middleware signing each request as Visma signs its notifications (HMAC-SHA256 of the raw
    body, base64, in X-Visma-Signature) with the key the listener is given; tests/webhooks/test_signature.py
    checks the verification itself."""
    import base64
    import hashlib
    import hmac
    import io

    def wrapped(environ, start_response):  # type: ignore[no-untyped-def]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        # Signed here with the test's key whatever the deliverer sent (a signing sandbox uses its own key).
        digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        environ["HTTP_X_VISMA_SIGNATURE"] = base64.b64encode(digest).decode()
        return app(environ, start_response)

    return wrapped


def test_flask_example_listener_recovers_the_values_from_headers(example_copy: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    legacy = _legacy_delivery(example_copy)
    assert [(r["tenant"], r["batch"]) for r in legacy] == [(42, 7)]

    result = fix(example_copy)
    (sender,) = by_rule(result, "VNI010")
    (listener_finding,) = [f for f in by_rule(result, "VNI011") if "listener_path" in f.extra]
    assert sender.fix is FixSafety.REVIEW and sender.extra.get("fixed") and listener_finding.extra.get("fixed")
    expected = FIXTURES / "example-migrated-unsafe"
    for name in ("background.py", "webhooks.py"):
        assert (example_copy / "visma_sync" / name).read_text() == (expected / name).read_text(), name
    path = listener_finding.extra["listener_path"]
    assert path == "/visma/jobs" and f"pointing at https://hooks.example.com{path}" in sender.message

    monkeypatch.setenv("VISMA_WEBHOOK_SECRET", SECRET)
    with imported(example_copy, "visma_sync.background", "visma_sync.webhooks") as (background, webhooks):
        with werkzeug_server(signed(webhooks.create_app())) as listener, running_sandbox(
            time_scale=0.002, records=50, webhook_url=f"{listener}{path}"  # the Developer Portal subscription
        ) as sandbox:
            job = background.start_invoice_export(_session(sandbox), tenant=42, batch=7)
            wait_for(lambda: sandbox.webhook_deliveries, "the sandbox recorded no delivery")  # recorded after the POST
            (delivery,) = sandbox.webhook_deliveries
        migrated = list(webhooks.RECEIVED)
    assert delivery.headers == {"tenant": "42", "batch": "7"} and delivery.status == 200
    assert [(r["tenant"], r["batch"]) for r in migrated] == [(42, 7)]
    assert all(type(value) is int for r in migrated for value in (r["tenant"], r["batch"]))
    assert migrated[0]["job"] == job and migrated[0]["status"] == "Finished"


class _Recorder:
    """Stands in for the HTTP client: keeps the headers the sender sends."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}

    def get(self, url: str, headers: dict[str, str] | None = None, **_: object) -> None:
        self.headers = dict(headers or {})


def test_fastapi_listener_under_uvicorn(tmp_path: Path) -> None:
    import shutil

    original = shutil.copytree(FIXTURES / "fastapi_app", tmp_path / "original")
    migrated = shutil.copytree(FIXTURES / "fastapi_app", tmp_path / "migrated")
    with imported(original, "fa_sender", "fa_app", "fa_listener") as (sender, app, listener):
        recorder = _Recorder()
        sender.start_export(recorder, tenant=42, batch=7, job_ref="run-9")
        url = httpx.URL(recorder.headers["erp-api-background"])
        with uvicorn_server(app.app) as base:
            assert httpx.post(f"{base}{url.raw_path.decode()}", json={"id": "j1"}).status_code == 200
        legacy = list(listener.RECEIVED)
    assert legacy == [{"tenant": 42, "batch": 7, "job_ref": "run-9", "job": "j1"}]

    result = fix(migrated)
    (finding,) = by_rule(result, "VNI011")
    with imported(migrated, "fa_sender", "fa_app", "fa_listener") as (sender, app, listener):
        with running_sandbox(time_scale=0.002, records=50) as sandbox, uvicorn_server(app.app) as base:
            sandbox.config.webhook_url = f"{base}{finding.extra['listener_path']}"
            with sandbox.client() as client:
                client.headers["Authorization"] = f"Bearer {sandbox.issue_token()}"
                accepted = sender.start_export(client, tenant=42, batch=7, job_ref="run-9")
            assert accepted.status_code == 202
            wait_for(lambda: sandbox.webhook_deliveries, "the sandbox recorded no delivery")  # recorded after the POST
            (delivery,) = sandbox.webhook_deliveries
        received = list(listener.RECEIVED)
    assert delivery.headers == {"tenant": "42", "batch": "7", "job-ref": "run-9"} and delivery.status == 200
    assert received == [{"tenant": 42, "batch": 7, "job_ref": "run-9", "job": accepted.json()["id"]}]


_DJANGO = """
import json, sys
import django
from django.conf import settings
settings.configure(ROOT_URLCONF="djhooks.urls", ALLOWED_HOSTS=["testserver"], INSTALLED_APPS=[], MIDDLEWARE=[])
django.setup()
from django.test import Client
from djhooks import views
for path, headers in json.loads(sys.argv[1]):
    assert Client().post(path, data="{}", content_type="application/json", headers=headers).status_code == 200, path
print(json.dumps(views.RECEIVED))
"""


def _django(folder: Path, requests_: list[tuple[str, dict[str, str]]]) -> list[dict]:
    done = subprocess.run([sys.executable, "-c", _DJANGO, json.dumps(requests_)], cwd=folder, capture_output=True, check=False,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_django_views_through_the_test_client(tmp_path: Path) -> None:
    import shutil

    original = shutil.copytree(FIXTURES / "django_app", tmp_path / "original")
    migrated = shutil.copytree(FIXTURES / "django_app", tmp_path / "migrated")
    with imported(original, "djhooks.sender") as (sender,):
        urls = [httpx.URL(sender.job_headers("42", "7")["erp-api-background"]),
                httpx.URL(sender.batch_headers(42, 7)["erp-api-background"])]
    legacy = _django(original, [(u.raw_path.decode(), {}) for u in urls])
    assert legacy == [{"view": "job", "tenant": "42", "batch": "7", "mode": "full"},
                      {"view": "batch", "company": 42, "batch": 7}]

    result = fix(migrated)
    paths = {f.extra["listener_path"] for f in by_rule(result, "VNI011")}
    assert paths == {"/api/visma/jobs/", "/api/visma/batches/"}
    with imported(migrated, "djhooks.sender") as (sender,):
        values = [sender.job_headers("42", "7")["erp-api-background"], sender.batch_headers(42, 7)["erp-api-background"]]
    sent = [parse_background_header(v) for v in values]
    assert [m.kind for m in sent] == ["subscription", "subscription"]
    received = _django(migrated, [("/api/visma/jobs/", sent[0].headers), ("/api/visma/batches/", sent[1].headers)])
    assert received == legacy  # the same values, and the int converters' ints


@pytest.mark.parametrize("unsafe", [False, True])
def test_example_second_fix_changes_nothing(example_copy: Path, unsafe: bool) -> None:
    fix(example_copy, unsafe=unsafe)
    assert fix(example_copy, unsafe=unsafe).changes == {}
