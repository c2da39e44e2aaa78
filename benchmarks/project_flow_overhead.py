"""Benchmark: what the project phase (VNI005 value flow, VNI007 URL model, VNI008 residual check)
adds to `vni-migrate scan`.

Generates the hit-heavy tree (`generate_tree.py`, 500 modules by default) and times
`vni-migrate scan` with every rule and with `--ignore` of the project rules, alternating the two so
that machine load hits both alike. Prints the median of each and the overhead (target: <= 30 %).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate_tree import generate


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--project-rules", default="VNI005,VNI007,VNI008", help="the rules whose cost is measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "tree"
        lines = generate(root, args.modules)
        scan = [sys.executable, "-m", "migrator", "scan", "--format", "json", str(root)]
        without = scan[:4] + ["--ignore", args.project_rules] + scan[4:]
        timed(scan)  # warm the page cache and the interpreter's bytecode
        with_rule: list[float] = []
        without_rule: list[float] = []
        for _ in range(args.repeat):
            without_rule.append(timed(without))
            with_rule.append(timed(scan))
    base, full = statistics.median(without_rule), statistics.median(with_rule)
    print(f"tree: {args.modules} modules, {lines} lines (benchmarks/generate_tree.py)")
    print(f"scan --ignore {args.project_rules}: {base:.2f} s (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in without_rule)})")
    print(f"scan with them:     {full:.2f} s (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in with_rule)})")
    print(f"overhead of the project-wide analysis: {100 * (full - base) / base:+.1f} % (target <= 30 %)")


if __name__ == "__main__":
    main()
