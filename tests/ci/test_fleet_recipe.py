"""The fleet recipe in docs/fleet.md, run locally: its audit command once per repository (as the
matrix jobs do) and its merge command over the results; the merged page lists the repositories by
readiness. The commands are taken from the document, so the test fails when the recipe does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import EXAMPLE, ROOT

RECIPE = ROOT / "docs" / "fleet.md"


def _blocks() -> list[dict]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", RECIPE.read_text(encoding="utf-8"), re.DOTALL)]


def _github_commands() -> tuple[str, str]:
    workflow = _blocks()[0]
    audit = next(s["run"] for s in workflow["jobs"]["audit"]["steps"] if s.get("name") == "Audit")
    merge = next(s["run"] for s in workflow["jobs"]["merge"]["steps"] if s.get("name") == "Merge")
    return audit, merge


def _gitlab_commands() -> tuple[str, str]:
    pipeline = _blocks()[1]
    audit = next(line for line in pipeline["audit"]["script"] if line.startswith("vni-migrate audit"))
    merge = next(line for line in pipeline["merge"]["script"] if line.startswith("vni-migrate report merge"))
    assert pipeline["audit"]["parallel"]["matrix"][0]["REPO"] and pipeline["merge"]["needs"] == ["audit"]
    return audit, merge


def _bash(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(["bash", "-c", command], cwd=cwd, env={**os.environ, "PATH": path, **env},
                          capture_output=True, text=True, timeout=600, check=False)


def _two_repositories(tmp_path: Path) -> dict[str, Path]:
    legacy = tmp_path / "checkouts" / "orders-sync"
    shutil.copytree(EXAMPLE, legacy, ignore=shutil.ignore_patterns("__pycache__"))
    migrated = tmp_path / "checkouts" / "invoice-export"
    (migrated / "app").mkdir(parents=True)
    (migrated / "app" / "client.py").write_text('BASE = "https://api.finance.visma.net/v1/customerinvoice"\n')
    return {"acme/orders-sync": legacy, "acme/invoice-export": migrated}


def test_github_matrix_recipe_runs_locally_and_lists_repositories_by_readiness(tmp_path: Path) -> None:
    audit, merge = _github_commands()
    repositories = _two_repositories(tmp_path)
    work = tmp_path / "runner"
    work.mkdir()
    for index, (name, checkout) in enumerate(repositories.items()):
        job = work / f"job-{index}"
        job.mkdir()
        (job / "target").symlink_to(checkout, target_is_directory=True)  # actions/checkout's `path: target`
        command = audit.replace("${{ matrix.repo }}", name).replace("${{ strategy.job-index }}", str(index))
        done = _bash(command, job, {})
        assert done.returncode == 0, done.stdout + done.stderr  # `|| test $? -eq 1` accepts open findings
        (work / "audits").mkdir(exist_ok=True)
        shutil.copy(job / f"audit-{index}.json", work / "audits")  # upload-artifact + download-artifact
    done = _bash(merge, work, {})
    assert done.returncode == 0, done.stderr
    page = (work / "fleet.html").read_text(encoding="utf-8")
    assert page.index("acme/orders-sync") < page.index("acme/invoice-export")  # least ready first
    scores = [int(s) for s in re.findall(r'<td class="num" data-sort="(\d+)">', page)]
    assert scores == sorted(scores) and scores[-1] == 100 and scores[0] < 100


def test_gitlab_parallel_recipe_runs_locally(tmp_path: Path) -> None:
    audit, merge = _gitlab_commands()
    repositories = _two_repositories(tmp_path)
    work = tmp_path / "gitlab"
    work.mkdir()
    for index, (name, checkout) in enumerate(repositories.items(), start=1):  # CI_NODE_INDEX counts from 1
        job = work / f"node-{index}"
        job.mkdir()
        (job / "target").symlink_to(checkout, target_is_directory=True)  # the `git clone ... target` line
        done = _bash(audit, job, {"REPO": name, "CI_NODE_INDEX": str(index)})
        assert done.returncode == 0, done.stdout + done.stderr
        shutil.copy(job / f"audit-{index}.json", work)  # artifacts passed to `needs: [audit]`
    done = _bash(merge, work, {})
    assert done.returncode == 0, done.stderr
    page = (work / "fleet.html").read_text(encoding="utf-8")
    assert "Migration readiness across 2 repositories" in page
    assert page.index("acme/orders-sync") < page.index("acme/invoice-export")
