"""A/B: the same vni-migrate command from two source trees, alternating, in one run.

    git worktree add --detach /tmp/old <commit>
    python -m benchmarks.ab /tmp/old . --repeat 7 -- scan /usr/lib/python3.11

Paths in the arguments should be absolute: the commands run from `/`.

Each tree runs as `PYTHONPATH=<tree> python -m migrator <args>` with this interpreter (so both use
the same installed dependencies), after compiling both trees' bytecode (a user's install has it;
without it each run would compile the package from source). Prints the medians of wall and CPU
time (user + system, children included) and the ratios B/A.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _run(tree: Path, args: list[str]) -> tuple[float, float, int]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # run from a neutral folder: the working folder comes first on sys.path and would win over PYTHONPATH
    done = subprocess.run([sys.executable, "-m", "migrator", *args], env=env, capture_output=True, check=False, cwd="/")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", type=Path, help="source tree A (the baseline)")
    parser.add_argument("b", type=Path, help="source tree B")
    parser.add_argument("--repeat", type=int, default=5)
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:cut])
    args = argv[cut + 1:]
    if not args:
        parser.error("give the vni-migrate arguments after --")
    trees = [options.a.resolve(), options.b.resolve()]
    for tree in trees:
        compileall.compile_dir(tree / "migrator", quiet=1)
    runs: dict[Path, list[tuple[float, float, int]]] = {tree: [] for tree in trees}
    for tree in trees:  # one warm-up each: the file cache, not the tool, is what it fills
        _run(tree, args)
    for round_ in range(options.repeat):  # ABBA: whichever runs second in a pair is not always the same tree
        for tree in trees if round_ % 2 == 0 else trees[::-1]:
            runs[tree].append(_run(tree, args))
    print(f"vni-migrate {' '.join(args)}  ({options.repeat} runs each, alternating)")
    medians = {}
    for label, tree in zip("AB", trees):
        wall = statistics.median(r[0] for r in runs[tree])
        cpu = statistics.median(r[1] for r in runs[tree])
        codes = sorted({r[2] for r in runs[tree]})
        medians[label] = (wall, cpu)
        print(f"  {label} {tree}: wall {wall:.3f} s, cpu {cpu:.3f} s (exit {codes})")
    print(f"  B/A: wall {medians['B'][0] / medians['A'][0]:.2f}x, cpu {medians['B'][1] / medians['A'][1]:.2f}x")


if __name__ == "__main__":
    main()
