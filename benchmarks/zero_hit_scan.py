"""Benchmark (a): a zero-hit scan of the Python installation vs `grep -rlE` with the same patterns.

Prints both times and the ratio (target: vni-migrate at most 3x grep). Both run twice; the
second (warm cache) run counts.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import time

PATTERN = r"visma\.net|controller/api|api/v[0-9]+/background|erp[-_]api[-_]background|ipp-(company-id|application-type)|vni-migrate:"


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def main() -> None:
    stdlib = sysconfig.get_paths()["stdlib"]
    site = sysconfig.get_paths()["purelib"]
    roots = [stdlib, site]  # site-packages is named directly so it is scanned, as grep does
    grep = ["grep", "-rliE", "--include=*.py", "--include=*.pyi", PATTERN, *roots]
    ours = [sys.executable, "-m", "migrator", "scan", *roots]
    for _ in range(2):
        grep_time, grep_done = timed(grep)
        our_time, our_done = timed(ours)
    hits = len(grep_done.stdout.splitlines())
    print(f"tree: {' '.join(roots)}")
    print(f"grep -rlE: {grep_time:.2f} s ({hits} files matched)")
    print(f"vni-migrate scan: {our_time:.2f} s ({our_done.stdout.strip().splitlines()[-1]})")
    print(f"ratio vni-migrate/grep: {our_time / grep_time:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
