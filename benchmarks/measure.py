"""Run a command as a child process and measure its wall time and peak memory (RSS of the child)."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from pathlib import Path


def run_measured(cmd: list[str], cwd: Path | None = None, stdout: int | None = subprocess.DEVNULL) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of one run of `cmd`. Peak memory is the child's maximum resident set."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode; compiling it each run is not the tool's cost
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode


def run_measured_cpu(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, float, int]:
    """(seconds, CPU seconds, peak MiB, exit code): CPU time is user + system of the child and the
    processes it waited for (pool workers), less swayed than wall time by other tenants of a shared machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, mib, code = run_measured(cmd, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, mib, code


def median(values: list[float]) -> float:
    """The median of a non-empty list."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
