"""The LibCST stage: structural fixes that refuse when a name is taken, keep commas and imports
right, and cost nothing on runs that fix no structure."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from migrator.codemods import KINDS
from migrator.engine import fix_text
from migrator.findings import FixSafety
from migrator.rulefile import load_rules
from migrator.webhooks import routes
from tests.webhooks.helpers import by_rule, fix, scan, tree

RULES = [r for r in load_rules((), KINDS) if r.id == "VNI020"]
GL = "https://api.finance.visma.net/v1/generalLedgerTransactions"


def _fix(code: str) -> tuple[str, list]:
    text = textwrap.dedent(code).lstrip("\n")
    out, found, _ = fix_text("t.py", text, RULES, True, {})
    return out, found


def test_helper_name_bound_at_module_level_refuses_the_wrap() -> None:
    code = f'''
        import requests

        visma_background = 3


        def ledger():
            return requests.get("{GL}", timeout=600)
        '''
    out, found = _fix(code)
    assert out == textwrap.dedent(code).lstrip("\n")  # before: wrapped into `(3).call(...)`, an AttributeError
    (finding,) = found
    assert finding.fix is FixSafety.MANUAL
    assert "`visma_background` is already bound in this code (line 3)" in finding.message


def test_helper_name_bound_as_a_parameter_refuses_the_wrap() -> None:
    out, found = _fix(f'''
        import requests


        def ledger(visma_background):
            return requests.get("{GL}", timeout=600)
        ''')
    assert "visma_background.call" not in out
    assert found[0].extra["refused"].startswith("`visma_background` is already bound")


def test_helper_imported_from_elsewhere_refuses_the_wrap() -> None:
    out, found = _fix(f'''
        import requests
        from legacy import visma_background

        r = requests.get("{GL}", timeout=600)
        ''')
    assert "visma_background.call" not in out and found[0].fix is FixSafety.MANUAL


def test_existing_helper_import_is_reused_not_repeated() -> None:
    out, _ = _fix(f'''
        import requests
        import visma_background

        r = requests.get("{GL}", timeout=600)
        ''')
    assert out.count("import visma_background") == 1
    assert f'visma_background.call(requests.get, "{GL}", timeout=600)' in out


def test_visually_aligned_continuation_lines_move_with_the_parenthesis() -> None:
    out, _ = _fix(f'''
        import requests


        def ledger():
            r = requests.get("{GL}",
                             params={{"pageSize": 100,
                                     "periodId": "202401"}},
                             # the long one
                             timeout=600)
            return r
        ''')
    lines = out.splitlines()
    call = next(i for i, line in enumerate(lines) if "visma_background.call(" in line)
    column = lines[call].index('"https')
    assert lines[call + 1].index("params") == column  # before: left at the old column
    assert lines[call + 2].index('"periodId"') == column + len('params={')
    assert lines[call + 3].index("# the long one") == column
    assert lines[call + 4].index("timeout") == column


def test_url_literal_inside_a_wrapped_call_is_still_rewritten_by_vni001() -> None:
    rules = [r for r in load_rules((), KINDS) if r.id in ("VNI001", "VNI020")]
    text = 'import requests\nr = requests.get("https://integration.visma.net/API/controller/api/v1/customer", timeout=600)\n'
    out, _, fixed = fix_text("t.py", text, rules, True, {})
    assert 'visma_background.call(requests.get, "https://api.finance.visma.net/v1/customer", timeout=600)' in out
    assert {f.rule for f in fixed} == {"VNI001", "VNI020"}


LISTENER_SENDER = '''
def start(session, batch):
    return session.get("https://api.finance.visma.net/v1/customer",
                       headers={"erp-api-background": f"https://hooks.example.com/visma/jobs/{batch}"})
'''


def test_removing_the_only_parameter_of_a_def_with_a_trailing_comma(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "sender.py": LISTENER_SENDER,
        "hooks.py": '''
            from flask import Flask, request

            app = Flask(__name__)


            @app.post("/visma/jobs/<batch>")
            def done(
                batch,
            ):
                return {"batch": batch}
            ''',
    })
    result = fix(root)
    hooks = (root / "hooks.py").read_text()
    assert "def done():\n" in hooks  # before: `def done(\n    ,\n)`, refused as unparsable
    assert 'batch = request.headers["batch"]' in hooks
    assert by_rule(result, "VNI011")[0].extra.get("fixed")


# A Flask listener whose module binds `request` itself (line 11): the import cannot be added.
LISTENER_BINDING_REQUEST = textwrap.dedent('''
    from flask import Flask

    app = Flask(__name__)


    @app.post("/visma/jobs/<batch>")
    def done(batch):
        return {"batch": batch, "who": request}


    request = "a module-level name the view reads"
    ''').lstrip("\n")


def test_request_import_refused_when_the_module_binds_request_itself(tmp_path: Path) -> None:
    listener = LISTENER_BINDING_REQUEST
    root = tree(tmp_path, {"sender.py": LISTENER_SENDER, "hooks.py": listener})
    result = fix(root)
    assert (root / "hooks.py").read_text() == listener  # before: `from flask import Flask, request`
    (finding,) = by_rule(result, "VNI011")
    assert finding.fix is FixSafety.MANUAL
    assert "`request` is already bound in this module (line 11)" in finding.message
    assert "erp-api-background" in (root / "sender.py").read_text()  # the sender is not half-migrated


def _run_without_libcst(args: list[str], cwd: Path) -> dict:
    script = textwrap.dedent(f"""
        import json, sys
        from migrator.cli import main
        sys.argv = ["vni-migrate", *{args!r}]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code
        loaded = any(m == "libcst" or m.startswith("libcst.") for m in sys.modules)
        print(json.dumps({{"libcst": loaded, "code": code}}))
        """)
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_scan_check_and_safe_fixes_never_import_libcst(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    project = tree(tmp_path / "p", {
        "ledger.py": f'import requests\nr = requests.get("{GL}", timeout=600)\n'
                     'BASE = "https://integration.visma.net/API/controller/api/v1"\n',
    })
    for args, code in ((["scan", str(project)], 1), (["fix", "--check", str(project)], 1), (["fix", str(project)], 1)):  # fix exits 1: the long call stays for --unsafe-fixes
        outcome = _run_without_libcst(args, repo)
        assert outcome == {"libcst": False, "code": code}, args
    assert "api.finance.visma.net/v1" in (project / "ledger.py").read_text()  # the safe fix did run
    outcome = _run_without_libcst(["fix", "--unsafe-fixes", str(project)], repo)
    assert outcome["libcst"] is True  # the structural fix is the one place it is needed
    assert "visma_background.call(requests.get" in (project / "ledger.py").read_text()


_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy-integration" / "visma_sync"
_LISTENERS = {
    "flask": {
        "visma_sync/__init__.py": "",
        "visma_sync/background.py": (_EXAMPLE / "background.py").read_text(encoding="utf-8"),
        "visma_sync/webhooks.py": (_EXAMPLE / "webhooks.py").read_text(encoding="utf-8"),
    },
    "fastapi": {
        "sender.py": '''
            def start(session, tenant, batch):
                return session.get("https://api.finance.visma.net/v1/customer",
                                   headers={"erp-api-background": f"https://hooks.example.com/visma/{tenant}/jobs?batch={batch}"})
            ''',
        "hooks.py": '''
            from fastapi import FastAPI

            app = FastAPI()


            @app.post("/visma/{tenant}/jobs")
            def done(tenant: int, batch: int):
                return {"tenant": tenant, "batch": batch}
            ''',
    },
    "django": {
        "shop/__init__.py": "",
        "shop/sender.py": '''
            def headers(order):
                return {"erp-api-background": f"https://hooks.example.com/hooks/orders/{order}/paid/"}
            ''',
        "shop/urls.py": '''
            from django.urls import path

            from . import views

            urlpatterns = [path("hooks/orders/<int:order>/paid/", views.paid)]
            ''',
        "shop/views.py": '''
            from django.http import HttpResponse


            def paid(request, order):
                return HttpResponse(str(order))
            ''',
    },
}
_REWRITTEN = {
    "flask": ("visma_sync/webhooks.py", "def background_done():\n"),
    "fastapi": ("hooks.py", "from fastapi import FastAPI, Header\nfrom typing import Annotated\n"),
    "django": ("shop/views.py", "def paid(request):\n"),
}


@pytest.mark.parametrize("framework", sorted(_LISTENERS))
def test_listener_rewrite_imports_libcst_only_when_it_is_applied(tmp_path: Path, framework: str) -> None:
    repo = Path(__file__).resolve().parents[2]
    project = tree(tmp_path / "p", _LISTENERS[framework])
    listener, rewritten = _REWRITTEN[framework]
    before = (project / listener).read_text()
    for args in (["scan", str(project)], ["fix", "--check", str(project)], ["fix", str(project)]):
        outcome = _run_without_libcst(args, repo)
        assert outcome["libcst"] is False, args  # before: the listener analysis parsed with LibCST
        assert outcome["code"] in (0, 1), args  # 0: nothing safe to fix (the sender URL is already new)
    assert (project / listener).read_text() == before  # the listener fix is review tier
    outcome = _run_without_libcst(["fix", "--unsafe-fixes", str(project)], repo)
    assert outcome["libcst"] is True
    assert rewritten in (project / listener).read_text()


def test_scan_says_the_request_import_is_refused_without_libcst(tmp_path: Path) -> None:
    listener = '''
        from flask import Flask

        app = Flask(__name__)


        @app.post("/visma/jobs/<batch>")
        def done(batch):
            return {"batch": batch}


        def later():
            request = "a local name"
            return request
        '''
    result = scan(tree(tmp_path, {"sender.py": LISTENER_SENDER, "hooks.py": listener}))
    (finding,) = by_rule(result, "VNI011")
    assert finding.fix is FixSafety.MANUAL  # what fix --unsafe-fixes will do, said by ast alone
    assert "`request` is already bound in this module (line 12)" in finding.message


def test_a_binding_only_libcst_sees_refuses_the_listener_and_withdraws_the_sender(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The ast check at analysis time misses nothing LibCST finds that this test knows of; pretend it
    # did, so the LibCST stage's own check at fix time is what refuses.
    monkeypatch.setattr(routes, "module_binding_problem", lambda module, request: None)
    listener = LISTENER_BINDING_REQUEST
    root = tree(tmp_path, {"sender.py": LISTENER_SENDER, "hooks.py": listener})
    sender = (root / "sender.py").read_text()
    result = fix(root)
    assert (root / "hooks.py").read_text() == listener
    assert (root / "sender.py").read_text() == sender  # no half of the cross-file fix is applied
    (finding,) = by_rule(result, "VNI011")
    assert finding.fix is FixSafety.MANUAL
    assert finding.extra["refused"].startswith("`request` is already bound in this module (line 11)")
