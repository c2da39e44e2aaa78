"""The project phase: rules that need the whole tree, and merging their edits into files.

Per-file rules run first (in worker processes). Then every kind with `LANGUAGE = "project"`
gets a `ProjectContext` (all discovered paths, the per-file results, a cached text reader) and
returns findings for any file, with edits against that file's text. Their edits join the file's
own in one selection (groups, overlaps) and one verification before anything is written.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator import sourcefile
from migrator.edits import apply_edits, select_edits
from migrator.engine import FileResult, VerificationError, verify
from migrator.findings import FileProblem, Finding
from migrator.kind import Kind, kind_of
from migrator.rulefile import Rule, RulePatternError
from migrator.structural import resolve as resolve_structural

# Characters of file text the project phase keeps at once; a file read again after that is re-read
# (and must be unchanged). A tree of 8,000 modules holds about 80 million.
TEXT_CACHE_CHARS = 16_000_000


@dataclass
class ProjectContext:
    roots: list[Path]
    files: list[tuple[Path, str]]  # every discovered file: (path, display path)
    results: dict[str, FileResult]  # per-file results by display path (candidates only)
    rules: list[Rule]
    listener_url: str | None = None
    problems: list[FileProblem] = field(default_factory=list)
    hints: dict[str, set[Path]] = field(default_factory=dict)  # "kind:tag" -> Python files a kind's prefilter chose
    settings: dict[str, Any] = field(default_factory=dict)  # RunOptions.settings
    screened: bool = False  # the runner ran every kind's `prefilter` over the files it `screens`
    verify_fixes: bool = True  # False: a scan that shows no diff (see `engine.process_file`)
    # The project kinds' findings so far, in the order they ran: a later kind (the URL model, the
    # residual check) reads and may amend what the earlier ones found.
    found: list[Finding] = field(default_factory=list)
    # Files whose per-file findings a project kind changed (safety, links): merge recomputes them.
    dirty: set[str] = field(default_factory=set)

    def tagged(self, kind: str, tag: str, path: Path, fallback: Callable[[], bool]) -> bool:
        """Did the runner's screening tag `path`? Without screening (a hand-made context), ask `fallback`."""
        if self.screened:
            return path in self.hints.get(f"{kind}:{tag}", ())
        return fallback()
    # The texts read first, up to TEXT_CACHE_CHARS; later ones are read again when asked for (the
    # kinds read the files in the same order, so a cache that let its oldest go would always miss).
    # A file read again must have the digest it was first read with (by a worker or here), so
    # every kind and the merge see one text.
    _texts: dict[str, sourcefile.SourceFile | None] = field(default_factory=dict)
    _cached_chars: int = 0
    _digests: dict[str, str] = field(default_factory=dict)
    _trees: dict[str, tuple[sourcefile.SourceFile, ast.Module] | None] = field(default_factory=dict)

    def display(self, path: Path) -> str:
        """The display path the rest of the run uses for `path` (falls back to str(path))."""
        wanted = path.resolve()
        for candidate, display in self.files:
            if candidate.resolve() == wanted:
                return display
        return str(path)

    def source(self, display: str, path: Path) -> sourcefile.SourceFile | None:
        if display in self._texts:
            return self._texts[display]
        python = path.suffix in (".py", ".pyi")
        try:
            source: sourcefile.SourceFile | None = sourcefile.read(path, python=python)
        except sourcefile.SourceError as exc:
            source = None
            if not python:  # the per-file phase reports Python files; nothing is skipped silently
                self.problems.append(FileProblem(display, f"{exc}; not checked", exc.line))
        if source is not None:
            first = self._digests.setdefault(display, self._first_digest(display) or source.digest)
            if source.digest != first:
                self.problems.append(FileProblem(display, "changed while vni-migrate ran; left untouched"))
                source = None
        if source is None:
            self._texts[display] = None
        elif self._cached_chars + len(source.text) <= TEXT_CACHE_CHARS:
            self._texts[display] = source
            self._cached_chars += len(source.text)
        return source

    def _first_digest(self, display: str) -> str:
        result = self.results.get(display)
        return result.digest if result is not None else ""

    def python(self, display: str, path: Path) -> tuple[sourcefile.SourceFile, ast.Module] | None:
        """A Python file's text and tree, parsed once per run however many kinds ask (None if it
        cannot be read or parsed: the per-file phase has reported that already)."""
        if display not in self._trees:
            source = self.source(display, path)
            try:
                self._trees[display] = (source, ast.parse(source.text)) if source is not None else None
            except (SyntaxError, ValueError, RecursionError):
                self._trees[display] = None
        return self._trees[display]


def project_rules(rules: list[Rule]) -> list[Rule]:
    """The rules whose kind reads the whole tree."""
    return [r for r in rules if (kind := kind_of(r)) is not None and kind.project_wide]


def run_project_checks(ctx: ProjectContext) -> list[Finding]:
    """Findings of the project kinds, plus those a per-file kind adds once the per-file results exist
    (a Python kind may define `project_findings` too, e.g. VNI020 writing its helper module).

    Kinds run by their `PHASE` (default 0), so the URL model (1) sees every other kind's edits and
    the residual check (2) sees every finding."""
    steps: list[tuple[int, Rule, Kind]] = []
    for rule in project_rules(ctx.rules):
        kind = kind_of(rule)
        assert kind is not None
        steps.append((kind.phase, rule, kind))
    for rule in ctx.rules:
        kind = kind_of(rule)
        if kind is not None and kind.per_file and kind.project_findings is not None:
            steps.append((kind.phase, rule, kind))
    ctx.found = []
    for _, rule, kind in sorted(steps, key=lambda step: step[0]):
        ctx.found.extend(_guarded(ctx, rule, kind))
    return ctx.found


def _guarded(ctx: ProjectContext, rule: Rule, kind: Kind) -> list[Finding]:
    """A project-wide check that hits a resource limit on some input gives up whole and says so; the
    run goes on (its findings are dropped together, so no half of a cross-file fix is applied)."""
    if kind.project_findings is None:  # a project kind without the hook finds nothing
        raise TypeError(f"kind {kind.name!r} has LANGUAGE = 'project' but no project_findings")
    try:
        return list(kind.project_findings(ctx, rule))
    except (RecursionError, MemoryError, RulePatternError) as exc:
        where = str(ctx.roots[0]) if ctx.roots else "."
        ctx.problems.append(FileProblem(where, f"{rule.id}: the project-wide check gave up ({type(exc).__name__}: {exc}); its findings are missing"))
        return []


def _new_file(path: Path) -> sourcefile.SourceFile:
    """The empty text a file-creating finding (`extra["creates_file"]`, one `Edit(0, 0, text)`) edits."""
    return sourcefile.SourceFile(path, "", "utf-8", False, hashlib.sha256(b"").hexdigest())


def merge(
    ctx: ProjectContext, extra: list[Finding], unsafe: bool, file_rules: list[Rule], settings: dict[str, Any] | None = None
) -> list[FileResult]:
    """Fold project findings into per-file results, recomputing the fixed text where they add edits.

    A cross-file fix (findings sharing a link) is all or nothing: when one of its files cannot take
    its half (verification fails, the file cannot be read), the halves in the other files are
    withdrawn and those files recomputed."""
    touched: list[FileResult] = []
    by_path: dict[str, list[Finding]] = {}
    for finding in extra:
        by_path.setdefault(finding.path, []).append(finding)
    paths = {display: path for path, display in ctx.files}
    for display in ctx.dirty:
        if display in ctx.results:
            by_path.setdefault(display, [])
    for display, findings in by_path.items():
        result = ctx.results.get(display)
        if result is None:
            result = FileResult(display)
            ctx.results[display] = result
            touched.append(result)
        result.findings.extend(findings)
    failed: set[str] = set()
    todo = list(by_path)
    for _ in range(4):  # each round can only withdraw more links; a few rounds reach the fixpoint
        newly_failed: set[str] = set()
        for display in todo:
            result = ctx.results[display]
            mine = by_path[display]
            for finding in result.findings:  # per-file findings can belong to a link too (the URL model)
                if finding.link in failed and (finding.edits or finding.structural):
                    finding.edits = finding.structural = ()
                    finding.extra["skipped"] = "part of a cross-file fix that another file could not take; nothing was changed"
            if _fold(ctx, result, mine, paths.get(display, Path(display)), unsafe, file_rules, settings):
                newly_failed.update(f.link for f in result.findings if f.link)
            # A half the LibCST stage refused (a name bound differently) takes its other halves along.
            newly_failed.update(link for f in mine if "refused" in f.extra and (link := f.link))
        newly_failed -= failed
        if not newly_failed:
            break
        failed |= newly_failed
        todo = [d for d in by_path if any(f.link in newly_failed for f in ctx.results[d].findings)]
    return touched


def _fold(
    ctx: ProjectContext,
    result: FileResult,
    findings: list[Finding],
    path: Path,
    unsafe: bool,
    file_rules: list[Rule],
    settings: dict[str, Any] | None,
) -> bool:
    """Recompute one file's fix with its project findings; True when the file could not take them."""
    display = result.path
    if result.problem is not None:
        return any(f.edits or f.structural for f in findings)
    if not any(f.edits or f.structural for f in findings) and not any(f.link for f in findings) and display not in ctx.dirty:
        return False
    creates = any(f.extra.get("creates_file") for f in findings)
    if creates and (path.exists() or path.is_symlink()) and not result.created:
        result.problem = FileProblem(display, "a fix would create this file, but it exists; left untouched")
        return True
    source = _new_file(path) if creates else ctx.source(display, path)
    if source is None:
        result.problem = FileProblem(display, "cannot read as text; its fixes were not applied")
        return True
    for finding in result.findings:  # the worker's choice is redone here, with the project findings
        finding.extra.pop("fixed", None)
    if any(f.structural for f in result.findings):  # the LibCST stage, only for fixes that change structure
        resolve_structural(source.text, result.findings, unsafe)
    edits, fixed = select_edits(result.findings, unsafe)
    if not edits:  # e.g. a project finding needing review now holds back the worker's fix
        result.drop_texts()
        return False
    new_text = apply_edits(source.text, edits)
    if path.suffix in (".py", ".pyi"):
        try:
            ast.parse(new_text)
            if ctx.verify_fixes:
                verify(display, new_text, file_rules, unsafe, settings)
        except (SyntaxError, ValueError, VerificationError) as exc:
            result.problem = FileProblem(display, f"project-wide fix not applied: {exc}")
            result.drop_texts()
            return True
    for finding in fixed:
        finding.extra["fixed"] = True
    result.old_text, result.new_text, result.texts_dropped = source.text, new_text, False
    result.file = str(path)
    result.encoding, result.bom = source.encoding, source.bom
    result.digest = source.digest
    result.created = creates
    return False
