"""Migrated projects build API Management URLs: run each fixture before and after the fix.

Each fixture project (tests/fixtures/url_model/) assembles its Visma URLs the way integrations in
its language do: bases and paths in different files, struct literals, templates, properties files,
environment defaults. The test runs the project with its real runtime before the fix (old URLs),
after `fix --unsafe-fixes` (the API Management URLs) and after a safe-only `fix` (never a URL that
mixes old and new pieces), and checks that whatever is left of the old gateway carries a finding.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.url_model.runners import RUNNERS

FIXTURES = Path(__file__).parent.parent / "fixtures" / "url_model"
OLD = "https://integration.visma.net/API/controller/api"
NEW = "https://api.finance.visma.net"

# fixture -> (URLs before, URLs after `fix --unsafe-fixes`, whether a person must act: a manual finding)
EXPECTED: dict[str, tuple[list[str], list[str], bool]] = {
    "python": (
        [f"{OLD}/v1/account?pageSize=1000", f"{OLD}/v1/department", f"{OLD}/v2/journaltransaction?pageNumber=1"],
        [f"{NEW}/v1/account?pageSize=1000", f"{NEW}/v1/department", f"{NEW}/v2/journaltransaction?pageNumber=1"],
        True,  # VISMA_BASE must change in every deployment
    ),
    "python_half": (
        ["https://api.finance.visma.net/API/controller/api/v1/department", "https://api.finance.visma.net/API/controller/api/v1/inventory"],
        [f"{NEW}/v1/department", f"{NEW}/v1/inventory"],
        False,
    ),
    "go": (
        [f"{OLD}/v1/account", f"{OLD}/v1/customer/10001", f"{OLD}/v1/customerinvoice"],
        [f"{NEW}/v1/account", f"{NEW}/v1/customer/10001", f"{NEW}/v1/customerinvoice"],
        False,
    ),
    "go_half": (
        [f"{NEW}/API/controller/api/v1/account", f"{NEW}/API/controller/api/v1/customer/10001", f"{NEW}/API/controller/api/v1/customerinvoice"],
        [f"{NEW}/v1/account", f"{NEW}/v1/customer/10001", f"{NEW}/v1/customerinvoice"],
        False,
    ),
    "csharp": (
        [f"{OLD}/v1/customer", f"{OLD}/v1/customerinvoice/42", f"{OLD}/v1/account", f"{OLD}/v2/salesorder?status=Open"],
        [f"{NEW}/v1/customer", f"{NEW}/v1/customerinvoice/42", f"{NEW}/v1/account", f"{NEW}/v2/salesorder?status=Open"],
        True,  # the retired token and context endpoints stay, reported
    ),
    "java": (
        [f"{OLD}/v1/customerinvoice/100042/attachment", f"{OLD}/v1/customerinvoice?pageSize=100"],
        [f"{NEW}/v1/customerinvoice/100042/attachment", f"{NEW}/v1/customerinvoice?pageSize=100"],
        False,
    ),
    "java_external": (
        [f"{OLD}/v1/account", f"{OLD}/v1/supplier?pageSize=500"],
        [f"{NEW}/v1/account", f"{NEW}/v1/supplier?pageSize=500"],
        True,  # VISMA_BASE_PATH is set outside the tree
    ),
    "typescript": (
        [f"{OLD}/v1/purchaseorder?pageSize=100", f"{OLD}/v1/inventory/A%201", "test ok"],
        [f"{NEW}/v1/purchaseorder?pageSize=100", f"{NEW}/v1/inventory/A%201", "test ok"],
        False,
    ),
    "javascript": (
        [f"{OLD}/v1/customer", f"{OLD}/v2/salesorder", f"{OLD}/v2/journaltransaction", f"{OLD}/v1/customer/10001"],
        [f"{NEW}/v1/customer", f"{NEW}/v2/salesorder", f"{NEW}/v2/journaltransaction", f"{NEW}/v1/customer/10001"],
        True,  # VISMA_BASE_URL overrides the default
    ),
    "php": (
        [f"{OLD}/v1/account?pageSize=100", f"{OLD}/v2/generalLedgerBalance?periodId=202601", f"{OLD}/v1/customer/10001",
         f"fake:{OLD}*"],
        [f"{NEW}/v1/account?pageSize=100", f"{NEW}/v2/generalLedgerBalance?periodId=202601", f"{NEW}/v1/customer/10001",
         f"fake:{NEW}*"],
        True,  # VISMA_BASE_URL overrides the default
    ),
}

# Half-migrated variants of five language families: the same projects with the host already swapped.
for _name in ("csharp", "java", "typescript", "javascript", "php"):
    _before, _after, _blocked = EXPECTED[_name]
    EXPECTED[_name + "_half"] = ([u.replace("integration.visma.net", "api.finance.visma.net") for u in _before], _after, _blocked)

_LEFT = re.compile(r"integration\.visma\.net|controller/api|api\.finance\.visma\.net/api(?![\w-])|security/api/|resources/v1/", re.IGNORECASE)


def _vni(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def _copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _mixed(url: str) -> bool:
    """A URL with pieces of both gateways: the worst outcome a fix can have."""
    lowered = url.lower()
    new_host_old_prefix = "api.finance.visma.net/api/" in lowered or "api.finance.visma.net/controller/" in lowered
    old_host_no_prefix = "integration.visma.net" in lowered and "integration.visma.net/api/controller/api" not in lowered
    return new_host_old_prefix or old_host_no_prefix


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unsafe_fix_makes_the_project_build_api_management_urls(name: str, tmp_path: Path) -> None:
    before, after, blocked = EXPECTED[name]
    root = _copy(name, tmp_path)
    assert RUNNERS[name](root, "before") == before
    first = json.loads(_vni("scan", "--format", "json", ".", cwd=root).stdout)["findings"]
    manual = [f for f in first if f["fix"] == "manual" and f["severity"] in ("error", "warning")]
    assert bool(manual) == blocked, manual
    fixed = _vni("fix", "--unsafe-fixes", ".", cwd=root)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert RUNNERS[name](root, "after") == after
    snapshot = _snapshot(root)
    again = _vni("fix", "--unsafe-fixes", ".", cwd=root)
    assert _snapshot(root) == snapshot, f"a second fix changed the tree: {again.stdout}"
    scan = _vni("scan", "--format", "json", ".", cwd=root)
    findings = json.loads(scan.stdout)["findings"]
    lines = {(f["path"], line) for f in findings for line in range(f["line"], f["end_line"] + 1)}
    for rel, data in snapshot.items():
        for number, text in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            if _LEFT.search(text):
                assert (rel, number) in lines, f"{rel}:{number} still holds a piece of the old gateway without a finding: {text}"
    retired = name.startswith("csharp")  # retired endpoints are never moved, so they stay reported
    assert scan.returncode == (1 if retired else 0), scan.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_safe_fix_never_builds_a_mixed_url(name: str, tmp_path: Path) -> None:
    before, after, _ = EXPECTED[name]
    root = _copy(name, tmp_path)
    _vni("fix", ".", cwd=root)
    built = RUNNERS[name](root, "before")
    for url, old in zip(built, before, strict=True):
        assert url == old or not _mixed(url), f"safe fix built {url}"  # a half-migrated URL may stay as it was
    assert _vni("scan", ".", cwd=root).returncode == 1 or built == after


def test_an_already_migrated_project_comes_out_byte_for_byte(tmp_path: Path) -> None:
    root = _copy("migrated", tmp_path)
    snapshot = _snapshot(root)
    fixed = _vni("fix", "--unsafe-fixes", ".", cwd=root)
    assert _snapshot(root) == snapshot
    scan = _vni("scan", ".", cwd=root)
    assert scan.returncode == 0, scan.stdout + fixed.stdout
