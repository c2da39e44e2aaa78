"""The composite GitHub Action, run locally: its steps from action.yml with a fake runner environment.

A small interpreter plays the runner's part: it evaluates each step's `if:` and `${{ }}` expressions
(only the forms action.yml uses), runs `run:` steps in bash with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
and GITHUB_ACTION_PATH set, and records `uses:` steps (the SARIF upload) with their inputs.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import EXAMPLE, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SARIF_SCHEMA = json.loads((ROOT / "tests/fixtures/schemas/sarif-2.1.0.json").read_text())


@dataclass
class Job:
    inputs: dict[str, str]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    failed: bool = False
    uploaded: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""
    log: str = ""


def _ref(job: Job, name: str, workdir: Path) -> str:
    parts = name.split(".")
    if parts[0] == "inputs":
        return job.inputs[parts[1]]
    if parts[0] == "steps":
        return job.outputs.get(parts[1], {}).get(parts[3], "")
    if name == "github.action_path":
        return str(ROOT)
    if name == "runner.temp":
        return str(workdir / "runner-temp")
    raise AssertionError(f"unknown context {name}")


def _evaluate(expr: str, job: Job, workdir: Path) -> Any:
    """`a && b`, `x == 'lit'`, `x != 'lit'`, `always()`, context references: what action.yml uses."""
    terms = [t.strip() for t in expr.split("&&")]
    values = []
    for term in terms:
        if term == "always()":
            values.append(True)
            continue
        match = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", term)
        if match:
            left = _ref(job, match.group(1), workdir)
            values.append((left == match.group(3)) == (match.group(2) == "=="))
            continue
        assert len(terms) == 1, f"unsupported expression {expr!r}"
        return _ref(job, term, workdir)
    return all(values)


def _render(text: str, job: Job, workdir: Path) -> str:
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: str(_evaluate(m.group(1), job, workdir)), text)


def run_action(workdir: Path, **inputs: str) -> Job:
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    job = Job({**defaults, **inputs})
    job.inputs = {k: _render(v, job, workdir) for k, v in job.inputs.items()}
    for step in ACTION["runs"]["steps"]:
        condition = step.get("if", "success()")
        runs = (not job.failed) if condition == "success()" else _evaluate(condition, job, workdir)
        if "always()" not in condition and job.failed:
            runs = False
        if not runs:
            continue
        if "uses" in step:
            job.uploaded.append({"uses": step["uses"], **{k: _render(str(v), job, workdir) for k, v in step["with"].items()}})
            continue
        output_file = workdir / f"output-{step.get('id', 'step')}"
        summary_file = workdir / "summary.md"
        output_file.write_text("")
        env = {
            **os.environ,
            **{k: _render(str(v), job, workdir) for k, v in step.get("env", {}).items()},
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
            "GITHUB_PATH": str(workdir / "path"),
        }
        done = subprocess.run(["bash", "-e", "-c", _render(step["run"], job, workdir)], cwd=workdir, env=env, check=False,
                              capture_output=True, text=True, timeout=300)
        job.log += done.stdout + done.stderr
        if step.get("id"):
            job.outputs[step["id"]] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        if done.returncode != 0:
            job.failed = True
        if summary_file.exists():
            job.summary = summary_file.read_text()
    return job


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout of the bundled example, as actions/checkout would leave it."""
    target = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_pending_fixes_fail_the_job_after_the_sarif_upload(workspace: Path) -> None:
    job = run_action(workspace, install="")
    check = job.outputs["check"]
    assert check["exit-code"] == "1" and check["pending-fixes"] == "true" and int(check["findings"]) > 0
    assert job.failed
    assert [u["uses"].split("@")[0] for u in job.uploaded] == ["github/codeql-action/upload-sarif"]
    sarif = json.loads((workspace / job.uploaded[0]["sarif_file"]).read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    assert len(sarif["runs"][0]["results"]) >= int(check["findings"])
    assert "fixes pending: run `vni-migrate fix" in job.summary
    assert "+U" in job.log or "+++ b/" in job.log  # the diff of the pending fixes is in the log


def test_a_migrated_tree_passes(cli, workspace: Path) -> None:
    cli("fix", str(workspace))
    job = run_action(workspace, install="")
    assert job.outputs["check"]["exit-code"] == "0" and job.outputs["check"]["pending-fixes"] == "false"
    assert not job.failed
    assert job.uploaded  # uploaded on success too


def test_a_baseline_accepts_known_pending_fixes(cli, workspace: Path) -> None:
    cli("scan", "--write-baseline", "vni-baseline.json", ".", cwd=workspace)
    job = run_action(workspace, install="", baseline="vni-baseline.json")
    assert job.outputs["check"]["exit-code"] == "0" and job.outputs["check"]["findings"] == "0", job.log
    assert not job.failed


def test_configuration_error_fails_with_exit_2(workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text("[tool.vni-migrate]\nselect = 5\n")
    job = run_action(workspace, install="", **{"upload-sarif": "false"})
    assert job.outputs["check"]["exit-code"] == "2" and job.failed
    assert "select must be a list of strings" in job.log
    assert job.uploaded == []


def test_the_script_alone_exits_like_the_job(workspace: Path) -> None:
    """What GitLab CI (or any other CI) runs: scripts/ci-check.sh with its exit code as the verdict."""
    script = ROOT / "scripts/ci-check.sh"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    pending = subprocess.run(["bash", str(script)], cwd=workspace, env=env, check=False, capture_output=True, text=True)
    assert pending.returncode == 1 and (workspace / "vni-migrate.sarif").is_file()
    never = subprocess.run(["bash", str(script)], cwd=workspace, env={**env, "VNI_FAIL_ON": "never"}, check=False, capture_output=True, text=True)
    assert never.returncode == 0
    bad = subprocess.run(["bash", str(script)], cwd=workspace, env={**env, "VNI_FAIL_ON": "sometimes"}, check=False, capture_output=True, text=True)
    assert bad.returncode == 2 and "VNI_FAIL_ON" in bad.stderr


def test_the_action_sets_up_python_with_a_pip_cache_before_installing(workspace: Path) -> None:
    """The runner's python3 may predate 3.11: with an install, setup-python runs first and caches pip."""
    steps = ACTION["runs"]["steps"]
    names = [s.get("name") for s in steps]
    setup = steps[names.index("Set up Python")]
    assert names.index("Set up Python") < names.index("Install vni-migrate")
    assert setup["uses"].startswith("actions/setup-python@") and setup["with"]["cache"] == "pip"
    assert "pyproject.toml" in setup["with"]["cache-dependency-path"]
    assert float(ACTION["inputs"]["python-version"]["default"]) >= 3.11
    job = run_action(workspace, install="")  # nothing to install: no setup-python step either
    assert all(not u["uses"].startswith("actions/setup-python") for u in job.uploaded)


@pytest.mark.parametrize("filters", [{}, {"VNI_BASELINE": "vni-baseline.json"}])
def test_the_check_scans_once(cli, workspace: Path, filters: dict[str, str]) -> None:
    """One vni-migrate run gives the SARIF, the diff in the log and the pending-fixes verdict."""
    import sys

    if filters:
        cli("scan", "--write-baseline", "vni-baseline.json", ".", cwd=workspace)
        (workspace / "visma_sync" / "new.py").write_text('U = "https://integration.visma.net/API/controller/api/v1/x"\n')
    calls = workspace.parent / "calls.log"
    wrapper = workspace.parent / "vni-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {sys.executable} -m migrator "$@"\n')
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    done = subprocess.run(["bash", str(ROOT / "scripts/ci-check.sh")], cwd=workspace, check=False, capture_output=True,
                          text=True, env={**env, "VNI_MIGRATE": str(wrapper), **filters})
    assert calls.read_text().count("\n") == 1, calls.read_text()
    assert done.returncode == 1 and "+++ b/" in done.stdout  # pending fixes, and the diff is in the log
    sarif = json.loads((workspace / "vni-migrate.sarif").read_text())
    assert sarif["runs"][0]["properties"]["fixesPending"] >= 1
