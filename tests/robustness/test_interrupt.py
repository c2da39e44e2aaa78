"""Stopping `vni-migrate fix` (SIGINT or SIGTERM) at any moment leaves every file either as it was
or completely fixed, and no temporary file behind; running fix again finishes the job."""

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

OLD = "https://integration.visma.net/API/controller/api/v1/customer"
FILES = 150


def _make_tree(root: Path) -> Path:
    root.mkdir()
    for i in range(FILES):
        lines = []
        for j in range(25):
            lines.append(f'URL_{j} = "{OLD}/{i}_{j}"')
            lines.append(f"\n\ndef f_{j}(x):\n    return x + {j}\n")
        (root / f"m{i:04d}.py").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    base = tmp_path_factory.mktemp("interrupt")
    original = _make_tree(base / "original")
    fixed = base / "fixed"
    shutil.copytree(original, fixed)
    subprocess.run([sys.executable, "-m", "migrator", "fix", str(fixed)], capture_output=True, check=True, timeout=300)
    old = {p.name: p.read_bytes() for p in original.iterdir()}
    new = {p.name: p.read_bytes() for p in fixed.iterdir()}
    assert all(old[name] != new[name] for name in old)
    return original, old, new


def _first_write(tree: Path, before: bytes, process: subprocess.Popen) -> None:
    first = tree / "m0000.py"  # written first: results are written in discovery order
    while process.poll() is None:
        if first.read_bytes() != before:
            return
        time.sleep(0.002)


@pytest.mark.parametrize(
    ("signum", "moment"),
    [
        (signal.SIGTERM, 0.3),  # while importing / discovering
        (signal.SIGINT, 1.5),  # while analysing
        (signal.SIGTERM, "first-write"),  # while writing
        (signal.SIGINT, "first-write"),
    ],
)
def test_interrupted_fix_leaves_whole_files_and_no_temp_files(trees, tmp_path: Path, signum: int, moment) -> None:  # type: ignore[no-untyped-def]
    original, old, new = trees
    tree = tmp_path / "tree"
    shutil.copytree(original, tree)
    process = subprocess.Popen([sys.executable, "-m", "migrator", "fix", str(tree)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if moment == "first-write":
        _first_write(tree, old["m0000.py"], process)
    else:
        time.sleep(moment)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=300)

    names = sorted(p.name for p in tree.iterdir())
    assert names == sorted(old), f"stray files: {set(names) - set(old)}"  # no .vni-tmp left behind
    states = {name: ("old" if data == old[name] else "new" if data == new[name] else "BROKEN")
              for name, data in ((p.name, p.read_bytes()) for p in tree.iterdir())}
    assert "BROKEN" not in states.values()
    # 0: it finished first; -signum: stopped by the default action before the handler was installed
    # (still importing, nothing written); 128 + signum: the clean stop
    assert process.returncode in (0, -signum, 128 + signum), stderr
    if process.returncode == -signum:
        assert set(states.values()) == {"old"}
    if process.returncode == 128 + signum:
        assert f"stopped by {signal.Signals(signum).name}" in stderr
    print(f"{signal.Signals(signum).name} at {moment}: exit {process.returncode}, "
          f"{sum(v == 'new' for v in states.values())}/{FILES} files fixed")

    again = subprocess.run([sys.executable, "-m", "migrator", "fix", str(tree)], check=False, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout
    assert {p.name: p.read_bytes() for p in tree.iterdir()} == new


# A stop that lands while the worker pool is being started (between forking a worker and the pool
# knowing about it) must not leave a worker behind: one would keep the caller's pipes open, so a CI
# job or a shell pipeline waiting for the output would hang. The signal is sent from inside the
# first worker start, the narrowest place a real one can land.
_STOP_WHILE_STARTING_WORKERS = """
import os, signal, sys
import multiprocessing.process
from migrator.cli import main

original = multiprocessing.process.BaseProcess.start
sent = []

def start(self):
    original(self)
    if not sent:
        sent.append(True)
        os.kill(os.getpid(), signal.SIGTERM)

multiprocessing.process.BaseProcess.start = start
sys.argv = ["vni-migrate", "fix", sys.argv[1]]
main()
"""


def test_stop_while_workers_start_leaves_no_worker_behind(trees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    original, old, new = trees
    tree = tmp_path / "tree"
    shutil.copytree(original, tree)
    process = subprocess.Popen([sys.executable, "-c", _STOP_WHILE_STARTING_WORKERS, str(tree)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = process.communicate(timeout=120)  # the pipes close only when every worker is gone
    except subprocess.TimeoutExpired:
        subprocess.run(["pkill", "-9", "-f", str(tree)], check=False)
        process.communicate()
        pytest.fail("a worker outlived the stopped run and kept its output pipes open")
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "stopped by SIGTERM" in stderr
    assert {p.name: p.read_bytes() for p in tree.iterdir()} == old  # stopped before anything was written
