"""A second legacy integration (14 resources, paging, filters, one POST) runs before migration against the
old host in pre-2025 mode and after `fix --unsafe-fixes` against API Management, with identical outputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.sandbox.server import Sandbox, running_sandbox
from tests.conftest import ROOT

FIXTURE = ROOT / "tests/fixtures/integrations/multi_resource"
SCALE = {"time_scale": 0.0005, "records": 250}


def _run(tree: Path, box: Sandbox, out: Path) -> tuple[int, str, dict[str, bytes]]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(box.environment())
    env.update({"VISMA_TOKEN": box.issue_token(), "PYTHONPATH": str(tree)})
    run = subprocess.run([sys.executable, "-m", "erp_export.export", "--out", str(out)], cwd=tree, env=env,
                         capture_output=True, text=True, timeout=180, check=False)
    files = {p.name: p.read_bytes() for p in sorted(out.glob("*.json"))}
    return run.returncode, run.stdout + run.stderr, files


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("multi")
    before, after = root / "before", root / "after"
    for tree in (before, after):
        shutil.copytree(FIXTURE, tree, ignore=shutil.ignore_patterns("__pycache__"))
    fixed = subprocess.run([sys.executable, "-m", "migrator", "fix", "--unsafe-fixes", str(after)],
                           capture_output=True, text=True, timeout=300, check=False)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    rescan = subprocess.run([sys.executable, "-m", "migrator", "scan", str(after)], capture_output=True, text=True,
                            timeout=300, check=False)
    assert "integration.visma.net" not in "".join(p.read_text() for p in after.rglob("*.py"))
    assert rescan.returncode == 0, rescan.stdout  # nothing left to migrate
    return before, after


def test_outputs_are_identical_before_and_after_the_fix(trees: tuple[Path, Path], tmp_path: Path) -> None:
    before, after = trees
    with running_sandbox(vni_mode="pre-2025", **SCALE) as box:
        old = _run(before, box, tmp_path / "old")
        old_seen = list(box.app.requests_seen)
    with running_sandbox(**SCALE) as box:  # API Management; the old host as it is today
        new = _run(after, box, tmp_path / "new")
        new_seen = list(box.app.requests_seen)
    assert old[0] == 0, old[1]
    assert new == old  # exit code, printed summary, every output file byte for byte
    assert {host for _, host, _ in old_seen} >= {"integration.visma.net"}
    assert "integration.visma.net" not in {host for _, host, _ in new_seen}
    resources = {path.split("/v1/")[1].split("/")[0].lower() for _, host, path in new_seen
                 if host == "api.finance.visma.net" and "/v1/" in path}
    assert len(resources) >= 10, resources
    assert len(old[2]) == 14


def test_the_unmigrated_code_fails_against_the_old_host_as_it_is_today(trees: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    before, _ = trees
    with running_sandbox(**SCALE) as box:  # today: a Visma Connect token is not a VNI token
        returncode, output, _ = _run(before, box, tmp_path / "today")
    assert returncode != 0 and "401" in output
