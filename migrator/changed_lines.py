"""Diff-aware runs: which lines changed since a git revision (`scan --only-changed REV`).

Uses the real git: `git diff -U0 REV` for tracked files (committed, staged and unstaged changes
against REV; renames follow the new name) plus every untracked, not ignored file as wholly new.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from migrator.findings import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
WHOLE_FILE = None  # marker: every line counts as changed


class ChangedLinesError(Exception):
    """git is missing, the folder is not a repository, or REV is unknown (exit code 2)."""


@dataclass
class ChangedLines:
    top: Path  # the repository's top folder
    ranges: dict[str, list[tuple[int, int]] | None] = field(default_factory=dict)  # repo-relative path -> line ranges

    def touches(self, finding: Finding) -> bool:
        """True when the finding's lines overlap a changed line (or its file is new)."""
        rel = os.path.relpath(os.path.realpath(finding.path), self.top).replace(os.sep, "/")
        if rel not in self.ranges:
            return False
        spans = self.ranges[rel]
        if spans is WHOLE_FILE:
            return True
        return any(start <= finding.end_line and finding.line <= end for start, end in spans)


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, errors="replace", check=False)
    except FileNotFoundError:
        raise ChangedLinesError("--only-changed needs git, which is not installed") from None
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise ChangedLinesError(f"git {' '.join(args[:2])}: {message}")
    return done.stdout


def parse_diff(diff: str) -> dict[str, list[tuple[int, int]] | None]:
    """Line ranges on the new side of a `git diff -U0` (path relative to the repository)."""
    ranges: dict[str, list[tuple[int, int]] | None] = {}
    current: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:].rstrip("\t")
            current = None if target == "/dev/null" else target.removeprefix("b/")
            if current is not None:
                ranges.setdefault(current, [])
            continue
        match = _HUNK.match(line)
        if match and current is not None:
            start = int(match.group(1))
            count = int(match.group(2)) if match.group(2) is not None else 1
            if count:  # a pure deletion adds no line
                spans = ranges[current]
                assert spans is not None
                spans.append((start, start + count - 1))
    return ranges


def changed_lines(rev: str, where: Path) -> ChangedLines:
    """The lines changed since `rev` in the repository holding `where`."""
    folder = where if where.is_dir() else where.parent
    top = Path(_git(["rev-parse", "--show-toplevel"], folder.resolve()).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    except ChangedLinesError:
        raise ChangedLinesError(f"--only-changed: unknown git revision {rev!r} in {top}") from None
    diff = _git(["-c", "core.quotepath=off", "diff", "-U0", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", rev, "--"], top)
    result = ChangedLines(top.resolve(), parse_diff(diff))
    untracked = _git(["-c", "core.quotepath=off", "ls-files", "--others", "--exclude-standard", "-z"], top)
    for rel in filter(None, untracked.split("\0")):
        result.ranges[rel] = WHOLE_FILE
    return result
