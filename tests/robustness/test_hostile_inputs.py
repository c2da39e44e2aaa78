"""Hostile inputs: each gets a clear message, the run goes on with the rest, exit 2 only for configuration errors.

The committed corpus is in tests/fixtures/hostile (binary, invalid UTF-8, unknown codec, syntax
error, broken rule files); huge files, deep nesting, link loops, pipes, sockets and unreadable files
are made at test time.
"""

import os
import shutil
import socket
import stat
from pathlib import Path

import pytest

from migrator.engine import MAX_ANALYSED_BYTES
from migrator.runner import RunOptions, run
from tests.conftest import ROOT

HOSTILE = ROOT / "tests/fixtures/hostile"
OLD = "https://integration.visma.net/API/controller/api/v1/customer"
NEW = "https://api.finance.visma.net/v1/customer"
GOOD = f'import requests\n\nrequests.get("{NEW}")\n'


@pytest.fixture
def hostile_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(HOSTILE / "tree", tree)
    (tree / "huge.py").write_text(f'U = "{OLD}"\n' + "x = 1\n" * (MAX_ANALYSED_BYTES // 6 + 10))
    (tree / "deep_concat.py").write_text("U = " + " + ".join([f'"{OLD}"'] + ['"x"'] * 30000) + "\n")
    (tree / "deep_calls.py").write_text(f'U = "{OLD}"\nX = ' + "f(" * 5000 + ")" * 5000 + "\n")
    (tree / "null_late.py").write_text(f'U = "{OLD}"\n' + "# pad\n" * 3000 + "X = '\0'\n")
    (tree / "loop_a.py").symlink_to(tree / "loop_b.py")
    (tree / "loop_b.py").symlink_to(tree / "loop_a.py")
    (tree / "dangling.py").symlink_to(tree / "missing.py")
    os.mkfifo(tree / "pipe.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tree / "socket.py"))
    server.close()
    return tree


EXPECTED = {
    "binary.py": "binary file",
    "invalid_utf8.py": "not valid utf-8 text",
    "unknown_codec.py": "klingon-8",
    "syntax_error.py": "cannot parse",
    "huge.py": "too large to analyse",
    "deep_concat.py": "too deeply nested",
    "deep_calls.py": "too many nested parentheses",
    "null_late.py": "cannot parse",
    "loop_a.py": "symbolic link loop",
    "dangling.py": "broken symbolic link",
    "pipe.py": "not a regular file",
    "socket.py": "not a regular file",
}


def test_every_hostile_file_is_reported_and_the_rest_is_fixed(cli, hostile_tree: Path) -> None:
    before = {p.name: p.read_bytes() for p in hostile_tree.iterdir() if p.is_file() and not p.is_symlink() and p.name != "good.py"}
    result = cli("fix", str(hostile_tree))
    assert result.returncode == 1, result.stderr  # problems, not a configuration error
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    for name, message in EXPECTED.items():
        assert any(name in line and message in line for line in lines), (name, result.stdout)
    assert (hostile_tree / "good.py").read_text() == GOOD
    after = {p.name: p.read_bytes() for p in hostile_tree.iterdir() if p.is_file() and not p.is_symlink() and p.name != "good.py"}
    assert after == before  # nothing hostile was rewritten
    scan = cli("scan", str(hostile_tree))
    assert scan.returncode == 1 and "Traceback" not in scan.stderr


@pytest.mark.parametrize("folder", sorted(p.name for p in (HOSTILE / "rules").iterdir()))
def test_broken_rule_files_are_configuration_errors(cli, folder: str) -> None:
    rules = HOSTILE / "rules" / folder
    result = cli("scan", "--rules", str(rules), str(HOSTILE / "tree" / "good.py"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"vni-migrate: error: {rules / 'rule.yaml'}")


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading (the pipe, socket and "
                    "vanished-file cases cover unreadable paths)")
    tree = tmp_path / "tree"
    tree.mkdir()
    secret = tree / "secret.py"
    secret.write_text(f'U = "{OLD}"\n')
    secret.chmod(0)
    try:
        result = run([tree], RunOptions(write=True))
    finally:
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert [p.message for p in result.problems if p.path.endswith("secret.py")] == ["cannot read: Permission denied"]


def test_file_that_vanishes_after_discovery_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A path that cannot be read whoever runs the tool: it is gone by the time it is read."""
    from migrator import discovery

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "gone.py").write_text(f'U = "{OLD}"\n')
    (tree / "stays.py").write_text(f'U = "{OLD}"\n')
    real_walk = discovery.Discovery._walk

    def walk_then_delete(self, root):  # type: ignore[no-untyped-def]
        found = list(real_walk(self, root))
        (tree / "gone.py").unlink()
        yield from found

    monkeypatch.setattr(discovery.Discovery, "_walk", walk_then_delete)
    result = run([tree], RunOptions(write=True))
    assert any(p.path.endswith("gone.py") and "cannot read" in p.message for p in result.problems)
    assert (tree / "stays.py").read_text() == f'U = "{NEW}"\n'


def test_file_changed_during_the_run_is_left_alone(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text(f'U = "{OLD}"\n')
    (tree / "b.py").write_text(f'U = "{OLD}"\n')
    edited = f'U = "{OLD}"\nEDITED = True\n'

    def edit_a_while_running(done: int, total: int) -> None:  # called after each analysed file, before writing
        if done == 1:
            (tree / "a.py").write_text(edited)

    result = run([tree], RunOptions(write=True, jobs=1), edit_a_while_running)
    assert (tree / "a.py").read_text() == edited  # the user's edit survives
    assert any(p.path.endswith("a.py") and "changed while vni-migrate ran" in p.message for p in result.problems)
    assert (tree / "b.py").read_text() == f'U = "{NEW}"\n'
