"""A cross-file fix killed (SIGKILL, no chance to clean up) at any file operation never leaves the tree
half-migrated once `fix` runs again: the next run completes the interrupted group from its journal and
removes every temporary file the killed run left behind. Until then a scan does not call the tree clean.

The kill is real: `VNI_MIGRATE_KILL_AFTER_FILE_OPS=N` makes the writer send itself SIGKILL after its
N-th file operation (temporary file created, written, renamed; journal created, removed)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "project_flow" / "aliases"
GROUP = ("shop/config.py", "shop/customers.py", "shop/invoices.py", "shop/accounts.py")
OLD = "https://integration.visma.net/API/controller/api/v1"
POINTS = 20


def _copy(target: Path) -> Path:
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("__pycache__"))
    # files outside the group, so single-file writes are interleaved with the group's
    for i in range(4):
        (target / f"single_{i}.py").write_text(f'URL = "{OLD}/customer/{i}"\n')
    return target


def _run(*args: str, kill_after: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("VNI_MIGRATE_KILL_AFTER_FILE_OPS", None)
    if kill_after:
        env["VNI_MIGRATE_KILL_AFTER_FILE_OPS"] = str(kill_after)
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, env=env, timeout=300)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes], int]:
    base = tmp_path_factory.mktemp("group")
    old = _snapshot(_copy(base / "old"))
    fixed = _copy(base / "fixed")
    assert _run("fix", str(fixed)).returncode == 0
    new = _snapshot(fixed)
    assert all(old[name] != new[name] for name in GROUP), "the fixture's cross-file fix must touch every member"
    # how many file operations a whole run makes: the smallest N at which the run is no longer killed
    low, high = 1, 64
    while low < high:
        middle = (low + high) // 2
        if _run("fix", str(_copy(base / f"count{middle}")), kill_after=middle).returncode == -signal.SIGKILL:
            low = middle + 1
        else:
            high = middle
    return old, new, low - 1


def test_fix_killed_at_twenty_points_of_a_cross_file_fix_is_completed_by_the_next_run(states, tmp_path: Path) -> None:
    old, new, operations = states
    assert operations >= POINTS
    points = sorted(random.Random(20261201).sample(range(1, operations + 1), POINTS))
    half_written = 0
    for point in points:
        tree = _copy(tmp_path / f"kill{point}")
        killed = _run("fix", str(tree), kill_after=point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        after_kill = _snapshot(tree)
        members = {name: ("old" if after_kill[name] == old[name] else "new" if after_kill[name] == new[name] else "BROKEN") for name in GROUP}
        assert "BROKEN" not in members.values(), (point, members)
        if len(set(members.values())) > 1:  # half-written: no read-only run may call this clean
            half_written += 1
            check = _run("fix", "--check", str(tree))
            assert check.returncode == 1, (point, check.stdout, check.stderr)
            assert "interrupted" in check.stdout + check.stderr, (point, check.stdout, check.stderr)
        again = _run("fix", str(tree))
        assert again.returncode == 0, (point, again.stdout, again.stderr)
        assert _snapshot(tree) == new, (point, sorted(set(_snapshot(tree)) ^ set(new)), members)  # no leftovers either
    assert half_written >= 3, "the kill points must include moments with the group half-written"
