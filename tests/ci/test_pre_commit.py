"""The shipped .pre-commit-hooks.yaml, run by the real pre-commit in a temporary git repository
that uses this checkout as a hooks repository.

The hooks are `language: python`: pre-commit builds a virtualenv and pip-installs this repository
into it, as it does for a user. The hook environment is built from the interpreter that runs the
tests (`language_version: sys.executable`), never from the machine's base interpreter and never
with its site-packages, so the test needs nothing beyond what the README installs; pip resolves the
dependencies as usual (its cache makes repeated runs fast).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.ci.conftest import NEW, OLD, commit_all, git, write_tree
from tests.conftest import ROOT

PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "migrator", "rules", "reports")


def _pre_commit() -> list[str]:
    if shutil.which("pre-commit") is None:
        try:
            import pre_commit  # noqa: F401
        except ImportError:
            pytest.skip("pre-commit is not installed (pip install pre-commit)")
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's package and hooks file, committed in a git repository pre-commit can use."""
    root = tmp_path_factory.mktemp("hooks") / "vni-migrate"
    root.mkdir()
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "add", "-A")
    git(root, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "hooks")
    return root


def _run_hook(repo: Path, hooks: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit run HOOK --all-files` with a config naming the hooks repository at its commit
    (what a user's .pre-commit-config.yaml does; unlike try-repo the environment is built once)."""
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("VIRTUALENV_SYSTEM_SITE_PACKAGES", "PIP_NO_INDEX", "PYTHONPATH", "PYTHONHOME")
    }
    env.update({"PRE_COMMIT_HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return subprocess.run(
        [*_pre_commit(), "run", hook, "--all-files"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )


def _hook_config(hooks_repo: Path, *hook_ids: str) -> str:
    """A .pre-commit-config.yaml naming the hooks repository at its commit; the hook environment
    is built from this interpreter (the test venv's), not from whatever `python3` is on PATH."""
    rev = git(hooks_repo, "rev-parse", "HEAD").strip()
    hooks = [{"id": hook_id, "language_version": sys.executable} for hook_id in hook_ids]
    return yaml.safe_dump({"repos": [{"repo": str(hooks_repo), "rev": rev, "hooks": hooks}]})


def test_hooks_file_declares_a_check_and_a_fix_hook() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["vni-migrate"]["entry"] == "vni-migrate scan"
    assert hooks["vni-migrate-fix"]["entry"] == "vni-migrate fix"
    assert all(h["language"] == "python" for h in hooks.values())


def test_check_hook_fails_on_old_urls_and_fix_hook_fixes_them(repo: Path, hooks_repo: Path, tmp_path: Path) -> None:
    write_tree(repo, {
        "app/client.py": f'import requests\n\nrequests.get("{OLD}")\n',
        "app/clean.py": f'URL = "{NEW}"\n',
        "pyproject.toml": '[tool.vni-migrate]\nselect = ["VNI001"]\n',  # the hooks read it
    })
    (repo / ".pre-commit-config.yaml").write_text(_hook_config(hooks_repo, "vni-migrate", "vni-migrate-fix"))
    commit_all(repo, "legacy")
    home = tmp_path / "pre-commit-home"

    check = _run_hook(repo, hooks_repo, "vni-migrate", home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "vni-migrate (check)" in check.stdout and "Failed" in check.stdout
    assert "app/client.py:3:14: VNI001" in check.stdout

    fix = _run_hook(repo, hooks_repo, "vni-migrate-fix", home)
    assert fix.returncode == 1 and "files were modified by this hook" in fix.stdout, fix.stdout + fix.stderr
    assert (repo / "app/client.py").read_text() == f'import requests\n\nrequests.get("{NEW}")\n'

    commit_all(repo, "migrated")
    again = _run_hook(repo, hooks_repo, "vni-migrate", home)
    assert again.returncode == 0 and "Passed" in again.stdout, again.stdout + again.stderr


def test_hooks_cover_every_file_type_the_tool_analyses() -> None:
    """`types: [python]` left .env, JSON and the other languages unchecked; `files` must match every
    suffix and file name the discovery hands to the analysis."""
    import re

    from migrator.discovery import PROJECT_NAMES, PROJECT_SUFFIXES, PYTHON_SUFFIXES

    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        assert "python" not in hook.get("types", []) and "types_or" not in hook
        pattern = re.compile(hook["files"])
        for suffix in PYTHON_SUFFIXES + PROJECT_SUFFIXES:
            assert pattern.search(f"app/settings{suffix}"), (hook["id"], suffix)
        for name in PROJECT_NAMES:
            assert pattern.search(f"deploy/{name}"), (hook["id"], name)
        assert not pattern.search("logo.png") and not pattern.search("app/module.pyc")
