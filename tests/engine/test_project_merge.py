"""Cross-file fixes are all or nothing: if one file cannot take its half, the other halves go too."""

import hashlib
from pathlib import Path

import pytest

from migrator import project
from migrator.engine import FileResult
from migrator.findings import Edit, Finding, FixSafety, Severity
from migrator.project import ProjectContext, merge
from migrator.runner import RunOptions, run
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


def test_a_file_changed_after_the_per_file_phase_read_it_is_left_untouched(tmp_path: Path) -> None:
    """The worker's edits are offsets into the text it read: applied to a newer text they would
    land in the wrong place."""
    ctx, a, _ = _context(tmp_path)
    ctx.results[str(a)] = FileResult(str(a), digest=hashlib.sha256(a.read_bytes()).hexdigest(), candidate=True)
    a.write_text("AB = 1\n")  # someone edits the file while the run goes on
    merge(ctx, [_finding(str(a), Edit(4, 5, "3"), None)], unsafe=False, file_rules=RULES)
    assert ctx.results[str(a)].new_text is None
    assert [str(p) for p in ctx.problems] == [f"{a}: changed while vni-migrate ran; left untouched"]


@pytest.mark.parametrize("limit", [1, 10**9])
def test_the_text_cache_is_bounded_and_a_text_read_again_must_be_the_one_first_read(
    tmp_path: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(project, "TEXT_CACHE_CHARS", limit)
    ctx, a, b = _context(tmp_path)
    first = ctx.source(str(a), a)
    assert first is not None and ctx.source(str(b), b) is not None
    a.write_text("A = 10\n")
    again = ctx.source(str(a), a)
    if limit == 1:  # `a` was let go: read again, it is not the text the run's findings point into
        assert again is None
        assert [str(p) for p in ctx.problems] == [f"{a}: changed while vni-migrate ran; left untouched"]
    else:
        assert again is first and not ctx.problems
    assert ctx.source(str(b), b).text == "B = 2\n"  # type: ignore[union-attr]


@pytest.mark.parametrize("tree", ["url_model", "project_flow", "webhooks", "configfiles"])
def test_a_run_whose_texts_outgrow_the_cache_finds_and_fixes_the_same(tree: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(__file__).resolve().parent.parent / "fixtures" / tree
    whole = run([path], RunOptions(verify=True, unsafe_fixes=True))
    monkeypatch.setattr(project, "TEXT_CACHE_CHARS", 1)
    tight = run([path], RunOptions(verify=True, unsafe_fixes=True))
    assert whole.changes and tight.changes == whole.changes
    assert [f.to_json() for f in tight.findings] == [f.to_json() for f in whole.findings]
    assert [p.to_json() for p in tight.problems] == [p.to_json() for p in whole.problems]


def test_a_cache_smaller_than_the_tree_keeps_the_texts_it_read_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kinds read the files in the same order one after the other: a cache that let its oldest
    text go would miss on every read of the next kind; one that keeps what it read first hits on those."""
    monkeypatch.setattr(project, "TEXT_CACHE_CHARS", 12)  # two of the three texts
    ctx, a, b = _context(tmp_path)
    c = tmp_path / "c.py"
    c.write_text("C = 3\n")
    first = [ctx.source(str(p), p) for p in (a, b, c)]
    again = [ctx.source(str(p), p) for p in (a, b, c)]
    assert again[0] is first[0] and again[1] is first[1]
    assert again[2] is not first[2] and again[2] is not None and again[2].text == "C = 3\n"
    assert not ctx.problems
