"""Run the real engine (per-file phase, project phase, merge, atomic writes) over a small tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrator.runner import RunOptions, RunResult, run


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def fix(root: Path, unsafe: bool = True, select: tuple[str, ...] = ()) -> RunResult:
    return run([root], RunOptions(unsafe_fixes=unsafe, write=True, select=select))


def scan(root: Path) -> RunResult:
    return run([root], RunOptions())


def by_rule(result: RunResult, rule: str, notes: bool = False) -> list:
    """The findings of `rule`; without `notes`, not the signature step and helper-file findings
    VNI011 adds beside listeners (test_signature.py and test_dispatch.py check those)."""
    return [f for f in result.findings if f.rule == rule
            and (notes or not ({"signature", "helper", "listeners"} & set(f.extra)))]
