"""The LibCST stage: structural Python edits (call wrapping, import insertion, parameter removal).

Literal edits stay on the fast path (`ast` positions and exact text edits). A kind whose fix
changes structure attaches requests (`migrator.structural.requests`) to its finding instead of
edits. `resolve` runs between analysis and edit selection (per file in the engine; in the project
merge for a project-wide kind such as VNI011): only when a finding with requests is
actually being fixed is the file parsed with LibCST (the import of libcst happens there, so
`scan`, `fix --check` and safe-only runs never pay for it). The transformer hands back ordinary
`Edit`s, so grouping, cross-file links and verification stay one mechanism.
"""

from __future__ import annotations

from migrator.findings import Finding, FixSafety


def being_fixed(finding: Finding, unsafe: bool) -> bool:
    """Whether the edit selection would apply this finding's fix."""
    if finding.suppressed or not finding.structural:
        return False
    return finding.fix is FixSafety.SAFE or (unsafe and finding.fix is FixSafety.REVIEW)


def resolve(text: str, findings: list[Finding], unsafe: bool) -> None:
    """Turn the structural requests of the findings being fixed into edits (in place).

    A refused request (a name already bound differently, a call LibCST cannot find) leaves its
    finding without edits and with `extra["skipped"]` saying why and what to do."""
    pending = [f for f in findings if being_fixed(f, unsafe)]
    if not pending:
        return
    from migrator.structural.transformer import plan_edits  # imports libcst: only here

    plan_edits(text, pending)
