"""Cross-file fixes are all or nothing: if one file cannot take its half, the other halves go too."""

from pathlib import Path

from migrator.engine import FileResult
from migrator.findings import Edit, Finding, FixSafety, Severity
from migrator.project import ProjectContext, merge
from tests.engine.helpers import RULES


def _finding(path: str, edit: Edit, link: str | None) -> Finding:
    extra = {"link": link} if link else {}
    return Finding("VNI005", Severity.ERROR, FixSafety.SAFE, path, 1, 1, 1, 2, "m", edits=(edit,), extra=extra)


def _context(tmp_path: Path) -> tuple[ProjectContext, Path, Path]:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("A = 1\n")
    b.write_text("B = 2\n")
    files = [(a, str(a)), (b, str(b))]
    return ProjectContext([tmp_path], files, {}, RULES), a, b


def test_linked_half_is_withdrawn_when_the_other_file_fails(tmp_path: Path) -> None:
    ctx, a, b = _context(tmp_path)
    broken = _finding(str(a), Edit(4, 5, "("), "pair")  # "A = (" does not parse
    fine = _finding(str(b), Edit(4, 5, "3"), "pair")
    merge(ctx, [broken, fine], unsafe=False, file_rules=RULES)
    assert ctx.results[str(a)].problem is not None
    result_b: FileResult = ctx.results[str(b)]
    assert result_b.new_text is None and result_b.problem is None
    assert fine.edits == () and "cross-file" in fine.extra["skipped"]


def test_unlinked_fixes_stay_independent(tmp_path: Path) -> None:
    ctx, a, b = _context(tmp_path)
    broken = _finding(str(a), Edit(4, 5, "("), None)
    fine = _finding(str(b), Edit(4, 5, "3"), None)
    merge(ctx, [broken, fine], unsafe=False, file_rules=RULES)
    assert ctx.results[str(a)].problem is not None
    assert ctx.results[str(b)].new_text == "B = 3\n"
