"""The rules as LibCST codemod commands: CodemodTest specifications, and `python -m libcst.tool
codemod` giving exactly what `vni-migrate fix` gives on the same file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from libcst.codemod import CodemodTest

from migrator.structural.commands import BaseUrlCommand, LongCallCommand, MigrateCommand

REPO = Path(__file__).resolve().parents[2]
GL = "https://api.finance.visma.net/v1/generalLedgerTransactions"
FIXTURE = '''"""Ledger export."""
import requests

session = requests.Session()


def ledger(period):
    response = session.get("https://integration.visma.net/API/controller/api/v1/generalLedgerTransactions",
                           params={"periodId": period, "pageSize": 100},
                           timeout=(5, 600))
    response.raise_for_status()
    return response.json()
'''
TOKEN_FUNCTION = '''"""Visma Connect."""
import requests


def new_token():
    return requests.post("https://connect.visma.com/connect/token", data=FORM, timeout=30).json()["access_token"]
'''
WITH_TOKEN = FIXTURE.replace("import requests\n", "import requests\n\nfrom auth import new_token\n", 1)


class TestLongCallCommand(CodemodTest):
    TRANSFORM = LongCallCommand

    def test_wraps_a_long_call_and_adds_the_import(self) -> None:
        before = f'import requests\nr = requests.get("{GL}", timeout=600)\n'
        after = f'import requests\nimport visma_background\n\nr = visma_background.call(requests.get, "{GL}", timeout=600)\n'
        self.assertCodemod(before, after)

    def test_passes_the_modules_token_function_as_refresh_auth(self) -> None:
        token = ('def new_token():\n'
                 '    return requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]\n\n\n')
        before = f'import requests\n\n\n{token}r = requests.get("{GL}", timeout=600)\n'
        after = (f'import requests\nimport visma_background\n\n\n{token}'
                 f'r = visma_background.call(requests.get, "{GL}", timeout=600, refresh_auth=new_token)\n')
        self.assertCodemod(before, after)

    def test_refuses_when_the_helper_name_is_taken(self) -> None:
        before = f'import requests\nvisma_background = 3\nr = requests.get("{GL}", timeout=600)\n'
        self.assertCodemod(before, before, expected_skip=True)

    def test_safe_only_leaves_a_review_fix(self) -> None:
        before = f'import requests\nr = requests.get("{GL}", timeout=600)\n'
        self.assertCodemod(before, before, safe_only=True, expected_skip=True)


class TestBaseUrlCommand(CodemodTest):
    TRANSFORM = BaseUrlCommand

    def test_old_gateway_url_moves(self) -> None:
        before = 'URL = "https://integration.visma.net/API/controller/api/v1/customer"\n'
        after = 'URL = "https://api.finance.visma.net/v1/customer"\n'
        self.assertCodemod(before, after)


class TestMigrateCommand(CodemodTest):
    TRANSFORM = MigrateCommand

    def test_every_rule_in_one_pass(self) -> None:
        before = 'import requests\nr = requests.get("https://integration.visma.net/API/controller/api/v1/customer", timeout=600)\n'
        after = ('import requests\nimport visma_background\n\n'
                 'r = visma_background.call(requests.get, "https://api.finance.visma.net/v1/customer", timeout=600)\n')
        self.assertCodemod(before, after)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("source", [FIXTURE, WITH_TOKEN], ids=["plain", "imported-token-function"])
def test_libcst_tool_codemod_equals_vni_migrate_fix(tmp_path: Path, source: str) -> None:
    by_codemod, by_fix = tmp_path / "codemod", tmp_path / "fix"
    for folder in (by_codemod, by_fix):
        folder.mkdir()
        (folder / "ledger.py").write_text(source, encoding="utf-8")
        (folder / "auth.py").write_text(TOKEN_FUNCTION, encoding="utf-8")
    shutil.copy(REPO / "docs/libcst/.libcst.codemod.yaml", by_codemod / ".libcst.codemod.yaml")
    done = _run(["-m", "libcst.tool", "codemod", "--no-format", "commands.MigrateCommand", "ledger.py"], by_codemod)
    assert done.returncode == 0, done.stderr
    assert "visma_background.py: create it with" in done.stderr  # the helper is vni-migrate's to write
    fixed = _run(["-m", "migrator", "fix", "--unsafe-fixes", "ledger.py"], by_fix)
    assert fixed.returncode in (0, 1), fixed.stderr
    codemod_out = (by_codemod / "ledger.py").read_text(encoding="utf-8")
    assert codemod_out != source and "visma_background.call(session.get" in codemod_out
    assert "https://api.finance.visma.net/v1/generalLedgerTransactions" in codemod_out
    assert ("refresh_auth=new_token)" in codemod_out) == (source is WITH_TOKEN)
    assert codemod_out == (by_fix / "ledger.py").read_text(encoding="utf-8")


def test_libcst_tool_runs_a_single_rule_command(tmp_path: Path) -> None:
    (tmp_path / "ledger.py").write_text(FIXTURE, encoding="utf-8")
    shutil.copy(REPO / "docs/libcst/.libcst.codemod.yaml", tmp_path / ".libcst.codemod.yaml")
    done = _run(["-m", "libcst.tool", "codemod", "--no-format", "commands.LongCallCommand", "ledger.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    out = (tmp_path / "ledger.py").read_text(encoding="utf-8")
    assert "visma_background.call(session.get" in out
    assert "integration.visma.net" in out  # VNI001 is another command
