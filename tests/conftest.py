import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "legacy-integration"


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "legacy-integration"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def cli():
    """Run the real CLI in a subprocess; returns CompletedProcess."""
    import subprocess

    def run(*args: str, cwd: Path | None = None, input: str | None = None):
        return subprocess.run(
            [sys.executable, "-m", "migrator", *args], capture_output=True, text=True, cwd=cwd, input=input, timeout=300
        )

    return run


@pytest.fixture
def fresh_redactor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The redactor as a new process has it: nothing that other tests in this process taught it."""
    from migrator import redact

    for name, fresh in (("_known", set()), ("_known_re", None), ("_learned", set())):
        monkeypatch.setattr(redact, name, fresh)
