"""vni-migrate against the tools a user would pick, in one run on the same trees.

    pip install -e '.[bench]'               # ripgrep, ast-grep, Semgrep, LibCST
    python -m benchmarks.compare            # zero-hit, hit-heavy, C# client (default sizes)
    python -m benchmarks.compare --scaling 125 500 2000 8000 --budget 600

Every command runs as a child process, alternating tool and vni-migrate, `--repeat` times; the
figures are medians of wall time, and the peak resident memory of the child. A tool that is not
installed is reported as missing and left out of the ratios. Semgrep runs offline with a local rule
file and `--metrics=off`. The scaling run measures its sizes in `--rounds` rounds (every size once
a round, medians over the rounds) and leaves out the sizes whose runs would exceed `--budget` seconds,
estimated from the smallest (on a small shared machine 8,000 modules may not fit), saying so.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate_tree import generate  # noqa: E402
from benchmarks.large_files import csharp_client  # noqa: E402
from benchmarks.measure import median, run_measured, run_measured_cpu  # noqa: E402

# What vni-migrate's screening looks for, as one pattern for the search tools.
PATTERN = r"visma\.net|controller/api|api/v[0-9]+/background|erp[-_]api[-_]background|ipp-(company-id|application-type)|vni-migrate:"
SEMGREP_RULE = """rules:
  - id: vni-old-base
    languages: [python]
    severity: WARNING
    message: old VNI base URL
    pattern-regex: https://integration\\.visma\\.net/API/controller/api/
    fix: https://api.finance.visma.net/
"""
AST_GREP_RULE = """id: vni-old-base
language: python
rule:
  kind: string_content
  regex: https://integration\\.visma\\.net/API
fix: https://api.finance.visma.net
"""


def tool(name: str) -> str | None:
    """The executable `name` next to this interpreter (a venv's bin) or on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def measure(label: str, cmd: list[str] | None, cwd: Path, repeat: int) -> tuple[float, float] | None:
    if cmd is None:
        print(f"  {label:<42} (not installed)")
        return None
    times, peaks = [], []
    for _ in range(repeat):
        seconds, peak, _ = run_measured(cmd, cwd=cwd)
        times.append(seconds)
        peaks.append(peak)
    result = median(times), max(peaks)
    print(f"  {label:<42} {result[0]:8.2f} s  {result[1]:7.0f} MiB")
    return result


def compare(title: str, ours: tuple[str, list[str]], peers: list[tuple[str, list[str] | None]], cwd: Path, repeat: int) -> None:
    """Alternate each peer with vni-migrate and print the ratios (peer time / our time)."""
    print(title)
    rows = []
    for label, cmd in peers:
        peer = measure(label, cmd, cwd, repeat)
        mine = measure(ours[0], ours[1], cwd, repeat)
        assert mine is not None
        rows.append((label, peer, mine))
    for label, peer, mine in rows:
        if peer is not None:
            print(f"  ratio vni-migrate / {label}: {mine[0] / peer[0]:.2f}x")


def cat_cmd(tree: Path, suffixes: tuple[str, ...]) -> list[str]:
    names = " -o ".join(f"-name '*{s}'" for s in suffixes)
    return ["sh", "-c", f"find {tree} -type f \\( {names} \\) -print0 | xargs -0 cat > /dev/null"]


def zero_hit(repeat: int, cwd: Path) -> None:
    stdlib = sysconfig.get_paths()["stdlib"]
    rg = tool("rg")
    compare(
        f"Zero-hit scan of {stdlib} (.py files)",
        ("vni-migrate scan", [sys.executable, "-m", "migrator", "scan", stdlib]),
        [("rg -l (same patterns)", [rg, "-l", "-i", "-t", "py", PATTERN, stdlib] if rg else None),
         ("cat of the same files", cat_cmd(Path(stdlib), (".py",)))],
        cwd, repeat,
    )


def hit_heavy(modules: int, repeat: int, work: Path) -> None:
    tree = work / f"tree{modules}"
    lines = generate(tree, modules)
    (work / "semgrep.yaml").write_text(SEMGREP_RULE, encoding="utf-8")
    (work / "ast-grep.yaml").write_text(AST_GREP_RULE, encoding="utf-8")
    semgrep, sg, rg = tool("semgrep"), tool("ast-grep") or tool("sg"), tool("rg")
    libcst = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "benchmarks.libcst_base_url.RewriteBaseUrl", str(tree),
              f"--jobs={os.cpu_count() or 1}", "--no-format", "--hide-progress", "--unified-diff=3"]
    compare(
        f"Hit-heavy fix --diff: {modules} modules, {lines} lines (peers: one literal rewrite rule)",
        ("vni-migrate fix --diff (all rules)", [sys.executable, "-m", "migrator", "fix", "--diff", str(tree)]),
        [("semgrep --autofix --dryrun", [semgrep, "scan", "--config", str(work / "semgrep.yaml"), "--metrics=off", "--autofix",
                                         "--dryrun", "--quiet", "--disable-version-check", str(tree)] if semgrep else None),
         ("libcst codemod (VNI001 only)", libcst if importlib.util.find_spec("libcst") else None),
         ("ast-grep scan --rule (rewrite)", [sg, "scan", "--rule", str(work / "ast-grep.yaml"), str(tree)] if sg else None),
         ("rg -l (same patterns)", [rg, "-l", "-i", PATTERN, str(tree)] if rg else None),
         ("cat of the same files", cat_cmd(tree, (".py",)))],
        work, repeat,
    )
    shutil.rmtree(tree)


def scaling(sizes: list[int], budget: float, work: Path, rounds: int = 3) -> None:
    """Per-module time of scan and fix --diff at each size. The sizes are measured in rounds, each
    round running every size once (scan, then fix --diff), and the figures are the medians over the
    rounds: a shared machine's speed drifts over minutes, and measuring one size after the other
    made that drift look like a difference between sizes."""
    print(f"Scaling: scan and fix --diff per module ({rounds} rounds, the sizes alternating)")
    trees: list[tuple[int, Path, int]] = []
    estimate = 0.0  # seconds of all rounds for the sizes taken so far
    per_run: float | None = None  # seconds per module of one scan plus one fix, from the first size
    for modules in sizes:
        if per_run is not None and estimate + rounds * per_run * modules > budget:
            print(f"  left out {modules} modules and more: the estimate exceeds --budget {budget:.0f} s")
            break
        tree = work / f"scale{modules}"
        lines = generate(tree, modules)
        trees.append((modules, tree, lines))
        if per_run is None:  # a first pair of runs tells what the larger sizes will cost
            seconds = sum(run_measured_cpu([sys.executable, "-m", "migrator", command, *extra, str(tree)], cwd=work)[0]
                          for command, extra in (("scan", []), ("fix", ["--diff"])))
            per_run = seconds / modules
        estimate += rounds * per_run * modules
    runs: dict[tuple[int, str], list[tuple[float, float, float, int]]] = {}
    for _ in range(rounds):
        for modules, tree, _ in trees:
            for command, extra in (("scan", []), ("fix --diff", ["--diff"])):
                cmd = [sys.executable, "-m", "migrator", command.split()[0], *extra, str(tree)]
                runs.setdefault((modules, command), []).append(run_measured_cpu(cmd, cwd=work))
    per_module: dict[str, list[float]] = {"scan": [], "fix --diff": [], "scan CPU": [], "fix --diff CPU": []}
    for modules, tree, lines in trees:
        shown = []
        for command in ("scan", "fix --diff"):
            measured = runs[(modules, command)]
            wall = statistics.median(r[0] for r in measured)
            cpu = statistics.median(r[1] for r in measured)
            mib = max(r[2] for r in measured)
            per_module[command].append(wall / modules)
            per_module[f"{command} CPU"].append(cpu / modules)
            shown.append(f"{command} {wall:7.2f} s ({1000 * wall / modules:5.1f} ms/module, CPU {1000 * cpu / modules:5.1f}, {mib:4.0f} MiB)")
        print(f"  {modules:>5} modules {lines:>8} lines: " + "  ".join(shown))
        shutil.rmtree(tree)
    for command, times in per_module.items():
        if len(times) > 1:
            print(f"  {command}: per-module {'CPU ' if 'CPU' in command else ''}time spread "
                  f"{100 * (max(times) / min(times) - 1):.0f} % (target 25 %)".replace(" CPU:", ":"))


def csharp(fields: int, repeat: int, work: Path) -> None:
    path = work / f"VismaClient{fields}.cs"
    path.write_text(csharp_client(fields), encoding="utf-8")
    rg, sg = tool("rg"), tool("ast-grep") or tool("sg")
    compare(
        f"Generated C# client: one class with {fields} fields",
        ("vni-migrate scan", [sys.executable, "-m", "migrator", "scan", str(path)]),
        [("rg -l (same patterns)", [rg, "-l", "-i", PATTERN, str(path)] if rg else None),
         ("ast-grep run -p (string literals)", [sg, "run", "-l", "csharp", "-p", "$A", str(path)] if sg else None)],
        work, repeat,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    parser.add_argument("--modules", type=int, default=500, help="size of the hit-heavy tree")
    parser.add_argument("--fields", type=int, default=8000, help="fields of the generated C# class")
    parser.add_argument("--scaling", type=int, nargs="*", default=[125, 500, 2000, 8000])
    parser.add_argument("--budget", type=float, default=900.0, help="seconds the scaling run may take (estimated from the smallest size)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the scaling run (median)")
    parser.add_argument("--only", choices=["zero-hit", "hit-heavy", "scaling", "csharp"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["zero-hit", "hit-heavy", "scaling", "csharp"])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "zero-hit" in only:
            zero_hit(args.repeat, work)
        if "hit-heavy" in only:
            hit_heavy(args.modules, args.repeat, work)
        if "csharp" in only:
            csharp(args.fields, args.repeat, work)
        if "scaling" in only:
            scaling(args.scaling, args.budget, work, args.rounds)


if __name__ == "__main__":
    main()
