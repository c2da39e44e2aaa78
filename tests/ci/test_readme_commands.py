"""The README's two commands, as written, on a fresh copy of the project with a fresh virtual
environment: what a newcomer does in the first minutes.

The commands are read from the README (the first `sh` block), not repeated here, so the test
fails when the README changes in a way that does not work. pip may use its cache. The second
command would run this suite inside itself; it runs as written with `PYTEST_ADDOPTS=--collect-only`,
which proves the test dependencies install and every test module imports in the fresh environment
(`.ci/run` runs the whole command for real, and must be the same command).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def readme_commands() -> tuple[str, str]:
    """The two command lines of the README's first ```sh block (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert block, "the README has no ```sh block"
    lines = [line for line in block.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(lines) == 2, lines
    return lines[0], lines[1]


def _fresh_copy(tmp_path: Path) -> Path:
    """What a fresh clone holds: the tracked files, plus new files not ignored (work in progress)."""
    root = tmp_path / "vni-migrate"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for rel in filter(None, listed.stdout.split("\0")):
        source = ROOT / rel
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    return root


def _shell(command: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # Only what a newcomer's shell has: no VIRTUAL_ENV of the test run, its bin folder off PATH.
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS")}
    env.update({"PATH": path, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra})
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800, check=False)


def test_the_ci_script_runs_the_readme_test_command() -> None:
    second = readme_commands()[1]
    lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert second in lines


def test_readme_commands_work_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    if shutil.which("python3") is None:
        pytest.skip("no python3 on PATH")
    first, second = readme_commands()
    assert "python3 -m venv .venv" in first and "pip install -e ." in first
    root = _fresh_copy(tmp_path)

    audit = _shell(first, root)
    # documented: the example is a legacy integration, so the audit exits 1 and writes report.html
    assert audit.returncode == 1, audit.stdout[-3000:] + audit.stderr[-3000:]
    report = root / "report.html"
    assert report.is_file() and "<html" in report.read_text(encoding="utf-8")[:500].lower()
    assert "could not handle" not in report.read_text(encoding="utf-8")  # the grammars came with the install
    assert "readiness" in audit.stdout
    assert "Traceback" not in audit.stderr

    tests = _shell(second, root, PYTEST_ADDOPTS="--collect-only -q")
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    # `-q` twice prints one `path: count` line per test module
    per_module = [int(n) for n in re.findall(r"^tests/\S+\.py: (\d+)$", tests.stdout, re.MULTILINE)]
    assert len(per_module) > 40 and sum(per_module) > 500, tests.stdout[-2000:]
