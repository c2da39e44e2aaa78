"""One file through the pipeline: decode, prefilter, parse once, run every rule, fix, verify, write.

Verification before any write: the new text must parse, and a second analysis of it must
propose no further edits (idempotency). A file that fails either is reported and left untouched.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator import sourcefile
from migrator.edits import apply_edits, select_edits
from migrator.findings import Edit, FileProblem, Finding, FixSafety, Severity
from migrator.kind import kind_of
from migrator.packed import PackableText
from migrator.prefilter import is_candidate
from migrator.python.context import PythonContext
from migrator.python.idempotency import proves_unchanged
from migrator.rulefile import Rule, RulePatternError
from migrator.structural import resolve as resolve_structural
from migrator.suppression import (
    apply_per_file_ignores,
    apply_suppressions,
    find_suppressions,
    suppression_findings,
)

UNUSED_SUPPRESSION = "VNI900"  # kept for importers; the check lives in suppression.py
# Larger candidates are reported, not analysed: the URL analysis grows faster than linearly with
# the number of URLs in one file, and a multi-megabyte generated module must not stall a CI run.
MAX_ANALYSED_BYTES = 2_000_000


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    problem: FileProblem | None = None
    # Set when fixes change the file. A large run packs them (`pack_texts`) while it holds them.
    old_text: PackableText = PackableText()
    new_text: PackableText = PackableText()
    written: bool = False
    candidate: bool = False
    encoding: str = "utf-8"
    bom: bool = False
    digest: str = ""  # of the bytes read, to refuse writing a file that changed during the run
    file: str = ""  # the real path (display may be relative to the working folder)
    created: bool = False  # the fix creates this file (old_text is ""); see write_result
    learned: tuple[tuple[bytes, tuple[str, ...]], ...] = ()  # from a worker: for `redact.adopt`
    # The fixes change this file but its texts were not kept: a scan that shows no diff needs only
    # to know that (a large run would otherwise hold two texts of every file to the end).
    texts_dropped: bool = False

    @property
    def changes_file(self) -> bool:
        return self.texts_dropped or (self.new_text is not None and self.old_text is not None)

    def drop_texts(self, still_changes: bool = False) -> None:
        self.old_text = self.new_text = None
        self.texts_dropped = still_changes

    def pack_texts(self) -> None:
        for text in _TEXT_FIELDS:
            text.pack(self)

    def packed_texts(self) -> tuple[str | bytes | None, str | bytes | None]:
        """(old, new) as held: packed or not, without unpacking them."""
        return _TEXT_FIELDS[0].packed(self), _TEXT_FIELDS[1].packed(self)


_TEXT_FIELDS: tuple[PackableText, PackableText] = (
    FileResult.__dict__["old_text"], FileResult.__dict__["new_text"])


def python_findings(
    display: str, text: str, rules: list[Rule], settings: dict[str, Any] | None = None
) -> tuple[list[Finding], ast.Module]:
    """All findings of `rules` in one Python text. Raises SyntaxError / RecursionError / ValueError."""
    findings, ctx = _findings(display, text, rules, settings)
    return findings, ctx.tree


def _findings(display: str, text: str, rules: list[Rule], settings: dict[str, Any] | None) -> tuple[list[Finding], PythonContext]:
    tree = ast.parse(text)
    ctx = PythonContext(display, text, tree, rules, settings or {})
    findings: list[Finding] = []
    for rule in rules:
        kind = kind_of(rule)
        if kind is None or not kind.per_file or kind.findings is None:  # project-wide kinds run later
            continue
        findings.extend(kind.findings(ctx, rule))
    suppressions = find_suppressions(text, tree)
    apply_suppressions(findings, suppressions)
    findings.extend(suppression_findings(ctx, rules, suppressions, settings or {}))
    apply_per_file_ignores(findings, settings or {})
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return findings, ctx


@dataclass
class FixPass:
    """One round of fixes over a text: what it found, what it fixed, and the edits it applied."""

    text: str
    new_text: str
    findings: list[Finding]
    fixed: list[Finding]
    edits: list[Edit]
    context: PythonContext


def fix_pass(display: str, text: str, rules: list[Rule], unsafe: bool, settings: dict[str, Any] | None = None) -> FixPass:
    """One round of fixes; raises on unparsable input."""
    findings, ctx = _findings(display, text, rules, settings)
    if any(f.structural for f in findings):  # the LibCST stage, only for fixes that change structure
        resolve_structural(text, findings, unsafe)
    edits, fixed = select_edits(findings, unsafe)
    new_text = apply_edits(text, edits) if edits else text
    return FixPass(text, new_text, findings, fixed if edits else [], edits, ctx)


def fix_text(
    display: str, text: str, rules: list[Rule], unsafe: bool, settings: dict[str, Any] | None = None
) -> tuple[str, list[Finding], list[Finding]]:
    """(new text, all findings, fixed findings) after one round of fixes; raises on unparsable input."""
    done = fix_pass(display, text, rules, unsafe, settings)
    return done.new_text, done.findings, done.fixed


class VerificationError(Exception):
    pass


def fixing_rules(rules: list[Rule], unsafe: bool) -> list[Rule]:
    # Only rules that can produce an applicable edit matter for idempotency: no kind raises a
    # finding's safety above its rule's, so manual rules (and review rules without
    # --unsafe-fixes) cannot change the file and need not run again.
    return [r for r in rules if r.fix is FixSafety.SAFE or (unsafe and r.fix is FixSafety.REVIEW)]


def verify(
    display: str, new_text: str, rules: list[Rule], unsafe: bool, settings: dict[str, Any] | None = None,
    first: FixPass | None = None,
) -> None:
    """Refuse (VerificationError) a fixed text that does not parse or that a second pass would change.
    With the `first` pass that made it, a text whose every edit is a URL rewrite of string literals
    is proved to parse and to be stable from that pass (`migrator.python.idempotency`)."""
    fixing = fixing_rules(rules, unsafe)
    if first is not None and first.new_text == new_text and proves_unchanged(
        first.context, first.findings, first.fixed, first.edits, fixing, unsafe, new_text
    ):
        return
    try:
        again, _, _ = fix_text(display, new_text, fixing, unsafe, settings)  # parses new_text first
    except (SyntaxError, ValueError) as exc:
        raise VerificationError(f"the fix would produce invalid code ({exc}); file left untouched") from None
    if again != new_text:
        raise VerificationError("a second fix pass would change the file again (internal error); file left untouched")


def process_file(
    path: Path, display: str, rules: list[Rule], unsafe: bool, write: bool, settings: dict[str, Any] | None = None,
    verify_fixes: bool = True,
) -> FileResult:
    """Analyse (and optionally fix) one file. `settings`: run-wide values for the rule kinds
    (e.g. "background" endpoints, "timings" results), plain data so workers can receive them.
    `verify_fixes=False` (a scan that shows no diff) skips the second analysis of the fixed text
    and keeps neither text: nothing is written or shown, so only the findings matter."""
    result = FileResult(display)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.problem = FileProblem(display, f"cannot read: {exc.strerror or exc}")
        return result
    if not is_candidate(raw):
        return result
    if len(raw) > MAX_ANALYSED_BYTES:
        result.problem = FileProblem(display, f"too large to analyse ({len(raw) / 1e6:.1f} MB, limit {MAX_ANALYSED_BYTES / 1e6:.0f} MB); file left untouched")
        return result
    result.candidate = True
    result.file = str(path)
    try:
        source = sourcefile.decode(path, raw, python=True)
    except sourcefile.SourceError as exc:
        result.problem = FileProblem(display, str(exc), exc.line)
        return result
    result.digest = source.digest
    result.encoding, result.bom = source.encoding, source.bom
    try:
        first = fix_pass(display, source.text, rules, unsafe, settings)
    except SyntaxError as exc:
        result.problem = FileProblem(display, f"cannot parse: {exc.msg}; file left untouched", exc.lineno)
        return result
    except (RecursionError, MemoryError):
        result.problem = FileProblem(display, "too deeply nested to analyse; file left untouched")
        return result
    except RulePatternError as exc:  # a rule file's regular expression hit its time or size limit
        result.problem = FileProblem(display, f"{exc}; file left untouched")
        return result
    except ValueError as exc:  # e.g. source code string cannot contain null bytes
        result.problem = FileProblem(display, f"cannot parse: {exc}; file left untouched")
        return result
    new_text, findings, fixed = first.new_text, first.findings, first.fixed
    result.findings = findings
    for finding in fixed:
        finding.extra["fixed"] = True
    if new_text == source.text:
        return result
    if not verify_fixes and not write:  # nothing is shown or written: only that the file would change
        result.texts_dropped = True
        return result
    try:
        verify(display, new_text, rules, unsafe, settings, first)
    except VerificationError as exc:
        for finding in fixed:
            finding.extra.pop("fixed", None)
        result.problem = FileProblem(display, str(exc))
        return result
    except (SyntaxError, RecursionError, ValueError) as exc:
        result.problem = FileProblem(display, f"verification failed ({exc}); file left untouched")
        return result
    result.old_text, result.new_text = source.text, new_text
    if write:
        write_result(result)
    return result


def write_result(result: FileResult) -> None:
    """Write `result.new_text` atomically, unless the file changed since it was read."""
    if result.new_text is None or result.problem is not None:
        return
    path = Path(result.file or result.path)
    if result.created:
        _create_file(result, path)
        return
    try:
        if hashlib.sha256(path.read_bytes()).hexdigest() != result.digest:
            result.problem = FileProblem(result.path, "changed while vni-migrate ran; left untouched")
            return
        data = result.new_text.encode(result.encoding)
        sourcefile.write_atomic(path, (codecs.BOM_UTF8 + data) if result.bom else data)
        result.written = True
    except (OSError, UnicodeEncodeError) as exc:
        result.problem = FileProblem(result.path, f"cannot write: {exc}; file left untouched")


def _create_file(result: FileResult, path: Path) -> None:
    """Create `path` (mode 0644) atomically; refuse if anything appeared there since the run looked."""
    assert result.new_text is not None
    try:
        sourcefile.create_atomic(path, result.new_text.encode(result.encoding))
        result.written = True
    except FileExistsError:
        result.problem = FileProblem(result.path, "appeared while vni-migrate ran; not overwritten")
    except (OSError, UnicodeEncodeError) as exc:
        result.problem = FileProblem(result.path, f"cannot create: {exc}")


def severity_rank(severity: Severity) -> int:
    return {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[severity]


__all__ = ["FileResult", "FixPass", "FixSafety", "fix_pass", "fix_text", "process_file", "python_findings", "verify"]
