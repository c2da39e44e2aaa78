"""`edits.select_edits`: which edits are applied, which are held back, and what the held-back
findings say. Each case pins a boundary a one-character change in `edits.py` would move
(touching spans, the neighbour an overlap is checked against, the messages)."""

from __future__ import annotations

from migrator.edits import _overlaps, apply_edits, select_edits
from migrator.findings import Edit, Finding, FixSafety, Severity


def _finding(*spans: tuple[int, int], line: int = 1, fix: FixSafety = FixSafety.SAFE, text: str = "X") -> Finding:
    return Finding("VNI001", Severity.ERROR, fix, "a.py", line, 1, line, 2, "m", edits=tuple(Edit(s, e, text) for s, e in spans))


def test_edits_that_touch_in_different_findings_are_both_applied() -> None:
    left, right = _finding((0, 5)), _finding((5, 8))
    edits, fixed = select_edits([left, right], unsafe=False)
    assert edits == [Edit(0, 5, "X"), Edit(5, 8, "X")]
    assert fixed == [left, right]
    assert "skipped" not in left.extra and "skipped" not in right.extra
    assert apply_edits("aaaaabbbcc", edits) == "XXcc"


def test_edits_that_touch_inside_one_finding_are_applied() -> None:
    both = _finding((0, 5), (5, 8))
    edits, fixed = select_edits([both], unsafe=False)
    assert edits == [Edit(0, 5, "X"), Edit(5, 8, "X")] and fixed == [both]


def test_edits_that_overlap_inside_one_finding_are_skipped_with_the_overlap_message() -> None:
    both = _finding((0, 5), (4, 8))
    edits, fixed = select_edits([both], unsafe=False)
    assert edits == [] and fixed == []
    assert both.extra["skipped"] == "its edits overlap another fix; run fix again after reviewing"


def test_an_edit_reaching_into_a_later_taken_span_is_skipped() -> None:
    # The first finding's group starts first but also holds a span further right (30-40); the second
    # finding's edit (25-35) starts before that span and ends inside it.
    first, second = _finding((0, 1), (30, 40)), _finding((25, 35))
    edits, fixed = select_edits([second, first], unsafe=False)
    assert edits == [Edit(0, 1, "X"), Edit(30, 40, "X")]
    assert fixed == [first]
    assert second.extra["skipped"] == "its edits overlap another fix; run fix again after reviewing"
    assert "skipped" not in first.extra


def test_an_edit_just_before_a_taken_span_is_applied() -> None:
    first, second = _finding((0, 1), (30, 40)), _finding((25, 30))
    edits, fixed = select_edits([first, second], unsafe=False)
    assert edits == [Edit(0, 1, "X"), Edit(25, 30, "X"), Edit(30, 40, "X")]
    assert fixed == [first, second]


def test_overlaps_checks_the_span_that_starts_last_before_the_edit_ends() -> None:
    taken = [(0, 2), (10, 20), (30, 40)]
    assert _overlaps(Edit(5, 15, ""), taken)  # reaches into (10, 20) from the left
    assert _overlaps(Edit(12, 14, ""), taken)  # inside (10, 20)
    assert _overlaps(Edit(15, 35, ""), taken)  # from inside (10, 20) into (30, 40)
    assert _overlaps(Edit(25, 31, ""), taken)  # one character into (30, 40)
    assert _overlaps(Edit(10, 20, ""), taken)  # repeats a taken span
    assert not _overlaps(Edit(2, 10, ""), taken)  # touches (0, 2) and (10, 20), overlaps neither
    assert not _overlaps(Edit(20, 30, ""), taken)
    assert not _overlaps(Edit(40, 50, ""), taken)
    assert not _overlaps(Edit(3, 9, ""), taken)


def test_a_group_with_a_finding_that_is_not_fixed_is_held_back_and_names_its_line() -> None:
    # Two findings share one literal (the same span): one needs review, so neither is applied.
    safe = _finding((0, 5), line=3)
    review = _finding((0, 5), line=7, fix=FixSafety.REVIEW)
    edits, fixed = select_edits([safe, review], unsafe=False)
    assert edits == [] and fixed == []
    assert safe.extra["skipped"] == "shares a literal with a finding at line 7 that is not fixed"
    assert "skipped" not in review.extra  # the blocker itself is reported as it is, not as skipped


def test_the_same_group_is_applied_with_unsafe_fixes() -> None:
    safe = _finding((0, 5), line=3)
    review = _finding((0, 5), line=7, fix=FixSafety.REVIEW)
    edits, fixed = select_edits([safe, review], unsafe=True)
    assert edits == [Edit(0, 5, "X")] and fixed == [safe, review]
    assert "skipped" not in safe.extra


def test_the_message_names_the_first_finding_that_holds_the_group_back() -> None:
    safe = _finding((0, 5), line=3)
    first = _finding((0, 5), line=7, fix=FixSafety.MANUAL)
    second = _finding((0, 5), line=9, fix=FixSafety.REVIEW)
    select_edits([safe, first, second], unsafe=False)
    assert safe.extra["skipped"] == "shares a literal with a finding at line 7 that is not fixed"
