"""ruff and mypy, as configured in pyproject.toml, are clean, and `.ci/run` runs both."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_ci_script_runs_ruff_and_mypy() -> None:
    lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert "ruff check migrator tests" in lines and "mypy" in lines
    assert "set -euo pipefail" in lines  # a finding stops the script with a failure


def test_ruff_finds_nothing() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "migrator", "tests"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_reports_no_error_in_migrator() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Success: no issues found" in done.stdout, done.stdout + done.stderr
