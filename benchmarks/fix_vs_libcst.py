"""Benchmark (b): `vni-migrate fix --diff` vs LibCST's codemod CLI on a hit-heavy tree.

Generates ~500 modules (~140k lines) of integration code, then times
`python -m libcst.tool codemod benchmarks.libcst_base_url.RewriteBaseUrl --no-format --unified-diff`
(one rule, VNI001 only) against `vni-migrate fix --diff` (all rules). Target: at least 4x faster.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_tree import generate  # noqa: E402


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, check=False)
    return time.perf_counter() - start, done


def main() -> None:
    modules = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        lines = generate(tree, modules)
        libcst_cmd = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "benchmarks.libcst_base_url.RewriteBaseUrl", str(tree),
                      f"--jobs={os.cpu_count() or 1}", "--no-format", "--hide-progress", "--unified-diff=3"]
        ours_cmd = [sys.executable, "-m", "migrator", "fix", "--diff", str(tree)]
        libcst_time, libcst_done = timed(libcst_cmd, Path(tmp))
        our_time, our_done = timed(ours_cmd, Path(tmp))
        if libcst_done.returncode not in (0, 1):
            print(libcst_done.stderr[-2000:])
        print(f"tree: {modules} modules, {lines} lines")
        print(f"libcst codemod (VNI001 only): {libcst_time:.2f} s, diff lines: {len(libcst_done.stdout.splitlines())}")
        print(f"vni-migrate fix --diff (all rules): {our_time:.2f} s, diff lines: {len(our_done.stdout.splitlines())}")
        print(f"ratio libcst/vni-migrate: {libcst_time / our_time:.2f}x (target >= 4x)")


if __name__ == "__main__":
    main()
