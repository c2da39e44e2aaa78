"""Choosing and applying edits: fix safety, all-or-nothing groups, overlap detection.

Findings whose edits touch the same literal (a shared base and its paths) form one group: the
group is applied whole or not at all, so a suppressed or review-only path never leaves its base
half migrated. Overlapping edits from different groups are never merged: the later group is
skipped and its findings say so.
"""

from __future__ import annotations

import bisect
import itertools

from migrator.findings import Edit, Finding, FixSafety


def group_findings(findings: list[Finding]) -> list[list[Finding]]:
    """Union findings that share an edit position into groups."""
    parent = list(range(len(findings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[int, int], int] = {}
    for i, finding in enumerate(findings):
        for edit in finding.edits:
            key = (edit.start, edit.end)
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[Finding]] = {}
    for i, finding in enumerate(findings):
        if finding.edits:
            groups.setdefault(find(i), []).append(finding)
    return list(groups.values())


def applicable(finding: Finding, unsafe: bool) -> bool:
    if finding.suppressed or not finding.edits:
        return False
    return finding.fix is FixSafety.SAFE or (unsafe and finding.fix is FixSafety.REVIEW)


def select_edits(findings: list[Finding], unsafe: bool) -> tuple[list[Edit], list[Finding]]:
    """The edits to apply (sorted, non-overlapping) and the findings they fix."""
    chosen: list[Edit] = []
    fixed: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for group in sorted(group_findings(findings), key=lambda g: min(e.start for f in g for e in f.edits)):
        if not all(applicable(f, unsafe) for f in group):
            blockers = [f for f in group if not applicable(f, unsafe)]
            for f in group:
                if f not in blockers and applicable(f, unsafe):
                    f.extra["skipped"] = f"shares a literal with a finding at line {blockers[0].line} that is not fixed"
            continue
        edits = sorted({e for f in group for e in f.edits}, key=lambda e: (e.start, e.end))
        if _overlapping(edits) or any(_overlaps(e, taken) for e in edits):
            for f in group:
                f.extra["skipped"] = "its edits overlap another fix; run fix again after reviewing"
            continue
        chosen.extend(edits)
        for e in edits:
            bisect.insort(taken, (e.start, e.end))
        fixed.extend(group)
    chosen.sort(key=lambda e: (e.start, e.end))
    return chosen, fixed


def _overlapping(edits: list[Edit]) -> bool:
    return any(b.start < a.end for a, b in itertools.pairwise(edits))


def _overlaps(edit: Edit, taken: list[tuple[int, int]]) -> bool:
    """Whether `edit` overlaps (or repeats) a taken span. `taken` is kept sorted (see `_take`) and its
    spans never overlap, so their ends rise with their starts: only two neighbours need a look
    (a linear scan made files with thousands of fixes quadratic)."""
    i = bisect.bisect_left(taken, (edit.start, edit.end))
    if i < len(taken) and taken[i] == (edit.start, edit.end):
        return True
    p = bisect.bisect_left(taken, (edit.end, -1))  # spans starting before edit.end
    return p > 0 and edit.start < taken[p - 1][1] and taken[p - 1][0] < edit.end


def apply_edits(text: str, edits: list[Edit]) -> str:
    out: list[str] = []
    pos = 0
    for edit in edits:
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)
