"""Runs the engine over a set of paths and collects one `RunResult`.

Small runs stay in this process; large ones use a process pool. Workers receive plain data
(paths, rule ids, rule folders) and load the rules themselves: no live objects cross processes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator import bytesearch, redact, workers
from migrator.codemods import KINDS
from migrator.discovery import (
    PROJECT_NAMES,
    PROJECT_SUFFIXES,
    PYTHON_SUFFIXES,
    Discovery,
)
from migrator.engine import FileResult, process_file
from migrator.findings import FileProblem, Finding, Interner
from migrator.group_write import recover, write_all
from migrator.kind import Kind
from migrator.packed import PackedPairs
from migrator.prefilter import NEEDLES, is_candidate
from migrator.project import ProjectContext, merge, project_rules, run_project_checks
from migrator.rulefile import Rule, load_rules
from migrator.suppression import apply_per_file_ignores

POOL_THRESHOLD = 48  # candidate files; below this a pool costs more than it saves
BATCH_FILES = 32  # files a worker is handed at most at a time
PREFILTER_POOL_THRESHOLD = 4000  # files to screen; reading and screening is cheap per file
MAX_SCREEN_BYTES = 2_000_000  # configuration files larger than this are data, not configuration


def _to_read(every_file: list[tuple[Path, str]], hint_kinds: tuple[str, ...]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The files screening reads, each with the project kinds that screen it: every Python file
    (for all of them), other files only when a kind `screens` them by name."""
    screens = [(kind, Kind.of(KINDS[kind]).screens) for kind in hint_kinds]
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for path, display in every_file:
        name = str(path)
        if name.endswith(PYTHON_SUFFIXES):
            out.append((name, display, hint_kinds))
            continue
        kinds = tuple(kind for kind, screen in screens if screen is not None and screen(path))
        if kinds:
            out.append((name, display, kinds))
    return out


def _may_hold(to_read: list[tuple[str, str, tuple[str, ...]]]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The files of `to_read` that hold a byte some screen needs (`prefilter.NEEDLES`, the kinds'
    `SCREEN_NEEDLES`), found by one byte search per set of screens; without the search, all."""
    groups: dict[tuple[bool, tuple[str, ...]], list[str]] = {}
    for path, _, kinds in to_read:
        groups.setdefault((path.endswith(PYTHON_SUFFIXES), kinds), []).append(path)
    requests: list[tuple[list[str], tuple[bytes, ...]]] = []
    keep: set[str] = set()
    for (python, kinds), paths in groups.items():
        needles: set[bytes] | None = set(NEEDLES) if python else set()
        for kind in kinds:
            typed = Kind.of(KINDS[kind])
            own = typed.python_screen_needles if python else typed.screen_needles
            if own is None or needles is None:
                needles = None
                break
            needles.update(own)
        if needles is None:
            keep.update(paths)
        elif needles:
            requests.append((paths, tuple(sorted(needles))))
    for (paths, _), found in zip(requests, bytesearch.search_all(requests)):
        keep.update(paths if found is None else found.holding | found.unsure)
    return [item for item in to_read if item[0] in keep]


def _screen(
    batch: list[tuple[str, str, tuple[str, ...]]]
) -> tuple[list[tuple[str, str]], dict[str, list[str]], list[tuple[str, str]]]:
    """Read each file once: keep Python parse candidates, collect project kinds' tags, note unreadable files."""
    prefilters = {kind: Kind.of(KINDS[kind]).prefilter for item in batch for kind in item[2]}
    candidates: list[tuple[str, str]] = []
    hints: dict[str, list[str]] = {}
    problems: list[tuple[str, str]] = []
    for path, display, kinds in batch:
        python = path.endswith(PYTHON_SUFFIXES)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_SCREEN_BYTES if not python else -1)
        except OSError as exc:
            if python:
                problems.append((display, f"cannot read: {exc.strerror or exc}"))
            continue
        lowered = raw.lower()
        if python and is_candidate(raw, lowered):
            candidates.append((path, display))
        as_path = Path(path)
        for kind in kinds:
            prefilter = prefilters[kind]
            for tag in prefilter(as_path, lowered) if prefilter is not None else ():
                hints.setdefault(f"{kind}:{tag}", []).append(path)
    return candidates, hints, problems


@dataclass
class RunOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_dirs: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    write: bool = False  # apply fixes in place
    verify: bool = True  # analyse each fixed text again (False: a scan that shows no diff)
    jobs: int | None = None
    listener_url: str | None = None  # the webhook listener, for the allowlist check
    # Run-wide values for rule kinds, plain data only (workers receive it): e.g. "background"
    # (endpoint list), "timings" (probe JSON path), "background_mode".
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files_scanned: int = 0
    changed: set[str] = field(default_factory=set)  # every file the fixes change (or would change)
    # path -> (old text, new text) of each of them, unless the run kept no texts (a scan without --diff)
    changes: PackedPairs = field(default_factory=PackedPairs)
    created: set[str] = field(default_factory=set)  # paths in `changes` that the fixes create (old text "")
    files_written: int = 0
    rules: list[Rule] = field(default_factory=list)


def _matches(rule_id: str, patterns: tuple[str, ...]) -> bool:
    return any(rule_id.upper().startswith(p.upper()) for p in patterns)


def select_rules(rules: list[Rule], select: tuple[str, ...], ignore: tuple[str, ...]) -> list[Rule]:
    chosen = [r for r in rules if (not select or _matches(r.id, select)) and not _matches(r.id, ignore)]
    return chosen


def enabled_rules(options: RunOptions) -> list[Rule]:
    """Load the rule files (raises RuleFileError) and apply --select / --ignore."""
    return select_rules(load_rules(options.rule_dirs, KINDS), options.select, options.ignore)


_WORKER_RULES: list[Rule] = []
_WORKER_SETTINGS: dict[str, Any] = {}


def _init_worker(rule_dirs: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...], settings: dict[str, Any]) -> None:
    global _WORKER_RULES, _WORKER_SETTINGS
    redact.harvest_for_parent()  # the secrets of every text a worker reads go back with its result
    _WORKER_RULES = select_rules(load_rules(rule_dirs, KINDS), select, ignore)
    _WORKER_SETTINGS = settings


def _work(args: tuple[str, str, bool, bool, bool]) -> FileResult:
    path, display, unsafe, write, verify = args
    result = process_file(Path(path), display, _WORKER_RULES, unsafe, write, _WORKER_SETTINGS, verify)
    result.learned = redact.harvested()
    return result


def run(
    paths: list[Path],
    options: RunOptions,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Scan (and with options.write, fix) every candidate file under `paths`."""
    try:
        return _run(paths, options, progress)
    finally:
        gc.unfreeze()  # what the run froze is the caller's to collect again (a test process runs many)


def _run(paths: list[Path], options: RunOptions, progress: Callable[[int, int], None] | None) -> RunResult:
    every_rule = load_rules(options.rule_dirs, KINDS)
    rules = select_rules(every_rule, options.select, options.ignore)
    # suppressions naming an id no rule has are reported (VNI900); deselected rules are not unknown
    options.settings.setdefault("known_rules", sorted(r.id for r in every_rule))
    result = RunResult(rules=rules)
    discovery = Discovery(excludes=options.exclude, suffixes=PYTHON_SUFFIXES + PROJECT_SUFFIXES, names=PROJECT_NAMES)
    every_file = list(discovery.files(paths))
    # before anything is read: complete (or, read-only, report) what an interrupted run left half-done
    recovery = recover(discovery.leftovers, options.write)
    result.problems.extend(recovery.problems)
    jobs = options.jobs or os.cpu_count() or 1
    hint_kinds = tuple(rule.kind for rule in project_rules(rules) if hasattr(KINDS[rule.kind], "prefilter"))
    to_read = _to_read(every_file, hint_kinds)
    to_screen = _may_hold(to_read)
    if len(to_screen) >= PREFILTER_POOL_THRESHOLD and jobs > 1:
        chunk = -(-len(to_screen) // (jobs * 4))
        batches = [to_screen[i : i + chunk] for i in range(0, len(to_screen), chunk)]
        with workers.pool(jobs) as pool:
            screened = list(pool.map(_screen, batches))
    else:
        screened = [_screen(to_screen)]
    files: list[tuple[Path, str]] = []
    hints: dict[str, set[Path]] = {}
    for candidates, batch_hints, problems in screened:
        files.extend((Path(p), d) for p, d in candidates)
        for tag, tagged in batch_hints.items():
            hints.setdefault(tag, set()).update(Path(p) for p in tagged)
        result.problems.extend(FileProblem(d, m) for d, m in problems)
    # Every file some rule reads counts as scanned, in every language (not only Python files).
    scanned = len(to_read)
    result.problems.extend(FileProblem(p, m) for p, m in discovery.problems)
    result.files_scanned = scanned
    file_results: list[FileResult] = []
    verify = options.verify or options.write  # fixed texts analysed again (and kept) unless nothing shows or writes them
    pooled = len(files) >= POOL_THRESHOLD and jobs > 1
    interned = Interner()
    if pooled:
        work = [(str(p), d, options.unsafe_fixes, False, verify) for p, d in files]
        with workers.pool(jobs, _init_worker, (options.rule_dirs, options.select, options.ignore, options.settings)) as pool:
            # At most a few dozen files a batch: a worker holds its batch's results until it sends them,
            # and a collection in the worker walks all of them (a batch of 500 made every file a fifth
            # slower); the pool makes batches smaller still as the work left shrinks.
            for i, file_result in enumerate(pool.map(_work, work, chunksize=BATCH_FILES)):
                redact.adopt(file_result.learned)
                file_result.learned = ()
                interned.findings(file_result.findings)
                file_result.pack_texts()
                file_results.append(file_result)
                # Received results live to the end of the run and hold no cycles: frozen, the
                # collector stops walking all of them again as more arrive.
                gc.freeze()
                if progress:
                    progress(i + 1, len(files))
    else:
        for i, (path, display) in enumerate(files):
            file_results.append(process_file(path, display, rules, options.unsafe_fixes, False, options.settings, verify))
            if progress:
                progress(i + 1, len(files))
    file_rules = [r for r in rules if r not in project_rules(rules)]
    context = ProjectContext(
        list(paths), every_file, {r.path: r for r in file_results}, rules, options.listener_url, hints=hints, settings=options.settings, screened=True,
        verify_fixes=verify,
    )
    extra = run_project_checks(context)
    apply_per_file_ignores(extra, options.settings)
    result.problems.extend(context.problems)
    if extra or context.dirty:
        file_results.extend(merge(context, extra, options.unsafe_fixes, file_rules, options.settings))
    if options.write:
        write_all(file_results)  # cross-file fixes all or nothing, through a journal
    for file_result in file_results:
        result.findings.extend(file_result.findings)
        if file_result.problem:
            result.problems.append(file_result.problem)
        if not verify:  # texts the project phase recomputed: kept no longer than the others
            file_result.drop_texts(still_changes=file_result.changes_file)
        if file_result.changes_file:
            result.changed.add(file_result.path)
            if file_result.created:
                result.created.add(file_result.path)
        old, new = file_result.packed_texts()
        if new is not None and old is not None:
            result.changes.put_packed(file_result.path, old, new)
        if file_result.written:
            result.files_written += 1
    return result
