"""Two listeners fed by one BACKGROUND_API_RESPONSE subscription: Visma delivers the event to one
URL, so the migrated senders name their handler in a custom header and the subscription's listener
dispatches on it. Delivered for real by the sandbox (one webhook URL, as Visma's one subscription)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.findings import FixSafety
from migrator.sandbox.server import running_sandbox
from tests.webhooks.conftest import imported, wait_for, werkzeug_server
from tests.webhooks.helpers import by_rule, fix, tree
from tests.webhooks.test_end_to_end import SECRET, _session, signed

FILES = {
    "twohooks/__init__.py": "",
    "twohooks/senders.py": '''
        def export_invoices(session, tenant):
            return session.get("https://api.finance.visma.net/v1/customerInvoice",
                               headers={"erp-api-background": f"https://hooks.example.com/visma/invoices/{tenant}"})


        def export_ledger(session, batch):
            return session.get("https://api.finance.visma.net/v1/generalLedgerTransactions",
                               headers={"erp-api-background": f"https://hooks.example.com/visma/ledger/{batch}"})
        ''',
    "twohooks/listener.py": '''
        from flask import Flask

        app = Flask(__name__)
        RECEIVED = []


        @app.post("/visma/invoices/<int:tenant>")
        def invoices_done(tenant):
            RECEIVED.append(("invoices", tenant))
            return {"ok": True}


        @app.post("/visma/ledger/<int:batch>")
        def ledger_done(batch):
            RECEIVED.append(("ledger", batch))
            return {"ok": True}
        ''',
}


def _deliver_both(root: Path, subscription_path: str) -> list:
    with imported(root, "twohooks.senders", "twohooks.listener") as (senders, listener):
        with werkzeug_server(signed(listener.app)) as base, running_sandbox(
                time_scale=0.002, records=50, webhook_url=f"{base}{subscription_path}") as sandbox:
            senders.export_invoices(_session(sandbox), tenant=42)
            wait_for(lambda: len(sandbox.webhook_deliveries) >= 1, "no delivery for the invoice job")
            senders.export_ledger(_session(sandbox), batch=7)
            wait_for(lambda: len(sandbox.webhook_deliveries) >= 2, "no delivery for the ledger job")
            wait_for(lambda: len(listener.RECEIVED) >= 2, "the listener did not record both")
        return list(listener.RECEIVED)


def test_each_notification_reaches_its_own_handler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISMA_WEBHOOK_SECRET", SECRET)
    root = tree(tmp_path, FILES)
    result = fix(root)
    listeners = by_rule(result, "VNI011")
    (dispatcher,) = [f for f in listeners if f.extra.get("dispatches_to")]
    assert dispatcher.extra["dispatches_to"] == ["ledger_done"] and all(f.extra.get("fixed") for f in listeners)
    senders = (root / "twohooks/senders.py").read_text()
    assert 'f"subscription:webhook-listener=invoices_done,tenant={tenant}"' in senders
    assert 'f"subscription:webhook-listener=ledger_done,batch={batch}"' in senders
    # The one subscription points at the dispatcher; before the fix the ledger job's notification
    # reached invoices_done (with no tenant header: a KeyError, or another job's data).
    assert _deliver_both(root, dispatcher.extra["listener_path"]) == [("invoices", 42), ("ledger", 7)]
    assert fix(root).changes == {}  # a second run changes nothing


def test_listeners_in_different_modules_get_a_manual_finding(tmp_path: Path) -> None:
    files = dict(FILES)
    listener = files.pop("twohooks/listener.py")
    first, second = listener.split("@app.post(\"/visma/ledger", 1)
    files["twohooks/listener.py"] = first
    files["twohooks/ledger.py"] = ('from flask import Flask\n\napp = Flask(__name__)\nRECEIVED = []\n\n\n'
                                   '@app.post("/visma/ledger' + second.replace("\n        ", "\n"))
    root = tree(tmp_path, files)
    result = fix(root)
    (note,) = [f for f in by_rule(result, "VNI011", notes=True) if "listeners" in f.extra]
    assert note.fix is FixSafety.MANUAL and "the listeners are in different modules" in note.message
    assert "Visma delivers the event to the application's one webhook subscription" in note.message
