"""VNI020/VNI021 as specifications: which calls are long, what the rewrite looks like, the helper file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from migrator.background import HELPER_FILE, helper_source
from migrator.codemods import KINDS
from migrator.engine import fix_text
from migrator.findings import FixSafety, Severity
from migrator.rulefile import load_rules

RULES = [r for r in load_rules((), KINDS) if r.id in ("VNI020", "VNI021")]
GL = "https://api.finance.visma.net/v1/generalLedgerTransactions"


def _fix(code: str, settings: dict | None = None) -> tuple[str, list]:
    text = textwrap.dedent(code)
    out, found, _ = fix_text("t.py", text, RULES, True, settings or {})
    again, _, _ = fix_text("t.py", out, RULES, True, settings or {})
    assert again == out, "a second run changed the code"
    return out, found


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_project_background_list_makes_a_call_long() -> None:
    code = f'import requests\nr = requests.get("{GL}", params={{"pageSize": 100}})\n'
    assert _fix(code)[0] == code
    out, found = _fix(code, {"background": ["v1/generalLedgerTransactions"]})
    assert f'visma_background.call(requests.get, "{GL}"' in out and "import visma_background\n" in out
    assert "background list" in found[0].message and found[0].fix is FixSafety.REVIEW


def test_probe_verdicts_come_first_and_ok_outweighs_a_timeout() -> None:
    code = f'import requests\nr = requests.get("{GL}", params={{"pageSize": 100}}, timeout=300)\n'
    exceeds = {"timings": {"v1/generalledgertransactions": {"verdict": "EXCEEDS", "predicted_call_seconds": 303}}}
    _, found = _fix(code, exceeds)
    assert "the probe measured /v1/generalledgertransactions as EXCEEDS, predicted 303 s" in found[0].message
    ok = {"timings": {"v1/generalledgertransactions": {"verdict": "OK"}}}
    assert _fix(code, ok)[0] == code


def test_inline_marker_on_the_line_above() -> None:
    out, _ = _fix(f'''
        import httpx
        # vni-migrate: background
        rows = httpx.get("{GL}", params={{"pageSize": 10}}).json()
    ''')
    assert f'rows = visma_background.call(httpx.get, "{GL}", params={{"pageSize": 10}}).json()' in out


def test_short_timeouts_other_hosts_and_wrapped_calls_are_left_alone() -> None:
    for code in (f'import requests\nrequests.get("{GL}", params={{"pageSize": 9}}, timeout=239)\n',
                 'import requests\nrequests.get("https://salesorder.visma.net/api/v1/x", timeout=600)\n',
                 f'import requests\nimport visma_background\nvisma_background.call(requests.get, "{GL}", timeout=600)\n'):
        out, found = _fix(code)
        assert out == code and not [f for f in found if f.fix is not FixSafety.MANUAL]


def test_unsupported_clients_get_a_manual_finding() -> None:
    _, found = _fix(f'''
        import urllib.request
        data = urllib.request.urlopen("{GL}?pageSize=10", timeout=600).read()
    ''')
    assert [(f.rule, f.fix) for f in found] == [("VNI020", FixSafety.MANUAL)] and "urllib" in found[0].message


def test_subscription_mode_reports_the_listener_work() -> None:
    code = f'import requests\nr = requests.get("{GL}", params={{"pageSize": 100}}, timeout=300)\n'
    out, found = _fix(code, {"background_mode": "subscription"})
    assert out == code
    assert found[0].fix is FixSafety.MANUAL and "BACKGROUND_API_RESPONSE" in found[0].message
    assert found[0].replacement == "erp-api-background: subscription"


def test_action_endpoints_are_info_and_never_converted() -> None:
    code = 'import requests\nrequests.post("https://api.finance.visma.net/v1/customerInvoice/7/action/release", timeout=900)\n'
    out, found = _fix(code)
    assert out == code
    assert [(f.rule, f.severity) for f in found] == [("VNI021", Severity.INFO)]
    assert "follow up with a GET" in found[0].message


def test_paging_warnings() -> None:
    _, found = _fix('''
        import requests
        requests.get("https://api.finance.visma.net/v1/customer")
        requests.get("https://api.finance.visma.net/v1/customer", params={"pageSize": 5000})
        requests.get("https://api.finance.visma.net/v1/customer", params={"pageSize": 100})
        requests.get("https://api.finance.visma.net/v1/customer/42")
    ''')
    assert [(f.line, f.severity, f.fix) for f in found] == [
        (3, Severity.WARNING, FixSafety.MANUAL), (4, Severity.WARNING, FixSafety.MANUAL)]
    assert "Unpaged" in found[0].message and "pageSize 5000" in found[1].message


def test_suppressed_call_keeps_the_others_fixable() -> None:
    out, found = _fix(f'''
        import requests
        a = requests.get("{GL}", params={{"pageSize": 1}}, timeout=300)  # vni-migrate: ignore[VNI020]

        b = requests.get("{GL}", params={{"pageSize": 2}}, timeout=300)
    ''')
    assert 'a = requests.get(' in out and 'b = visma_background.call(requests.get, ' in out
    assert [f.suppressed for f in found] == [True, False]


def _package(root: Path) -> Path:
    (root / "acme" / "jobs").mkdir(parents=True)
    (root / "acme" / "__init__.py").write_text("")
    (root / "acme" / "jobs" / "__init__.py").write_text("")
    (root / "acme" / "jobs" / "ledger.py").write_text(
        f'"""Ledger."""\nimport requests\n\n\ndef rows():\n    return requests.get("{GL}", params={{"pageSize": 9}}, timeout=300)\n')
    return root


def test_fix_writes_the_helper_once_into_the_package_and_diff_shows_a_new_file(tmp_path: Path) -> None:
    root = _package(tmp_path)
    diff = _cli("fix", "--diff", "--unsafe-fixes", str(root))
    assert diff.returncode == 1
    assert f"--- /dev/null\n+++ b/{root}/acme/{HELPER_FILE}\n" in diff.stdout
    assert "+from acme import visma_background\n" in diff.stdout
    assert not (root / "acme" / HELPER_FILE).exists()  # --diff writes nothing
    assert _cli("fix", str(root)).returncode == 1  # VNI020 needs review and remains: exit 1, as ruff --fix
    assert not (root / "acme" / HELPER_FILE).exists()  # plain fix: VNI020 needs review
    assert _cli("fix", "--unsafe-fixes", str(root)).returncode == 0
    assert (root / "acme" / HELPER_FILE).read_text() == helper_source()
    assert "from acme import visma_background\n" in (root / "acme" / "jobs" / "ledger.py").read_text()
    scan = _cli("scan", "--format", "json", str(root))
    assert json.loads(scan.stdout)["findings"] == []  # the helper itself reports nothing


def test_a_user_modified_helper_is_never_overwritten(tmp_path: Path) -> None:
    root = _package(tmp_path)
    mine = "# our own copy\n" + helper_source()
    (root / "acme" / HELPER_FILE).write_text(mine)
    result = _cli("fix", "--unsafe-fixes", str(root))
    assert (root / "acme" / HELPER_FILE).read_text() == mine
    assert "differs from the helper vni-migrate ships; it was NOT overwritten" in result.stdout


def test_configured_helper_path(tmp_path: Path) -> None:
    from migrator.runner import RunOptions, run

    root = _package(tmp_path)
    (root / "acme" / "support").mkdir()
    (root / "acme" / "support" / "__init__.py").write_text("")
    target = root / "acme" / "support" / HELPER_FILE
    result = run([root], RunOptions(unsafe_fixes=True, write=True, settings={"background_helper": str(target)}))
    assert not result.problems and target.read_text() == helper_source()
    assert "from acme.support import visma_background\n" in (root / "acme" / "jobs" / "ledger.py").read_text()


def test_merge_refuses_to_create_over_an_existing_file(tmp_path: Path) -> None:
    from migrator.engine import FileResult, write_result

    target = tmp_path / HELPER_FILE
    result = FileResult(str(target), old_text="", new_text="x = 1\n", created=True, file=str(target))
    target.write_text("appeared meanwhile\n")
    write_result(result)
    assert not result.written and "not overwritten" in str(result.problem)
    assert target.read_text() == "appeared meanwhile\n"
