"""A text report of many findings is made and printed in pieces of whole lines (a run with
hundreds of thousands of findings would otherwise hold its lines and their join at once)."""

from migrator.findings import FileProblem, Finding, FixSafety, Severity
from migrator.output import registry
from migrator.runner import RunResult


def _result(count: int) -> RunResult:
    findings = [
        Finding("VNI001", Severity.ERROR, FixSafety.MANUAL, f"m{i % 7}.py", i, 1, i, 9, f"Old VNI URL {i}. Rest of it.")
        for i in range(count, 0, -1)
    ]
    return RunResult(findings=findings, problems=[FileProblem("z.py", "cannot parse", 3)], files_scanned=7)


def test_a_long_report_comes_in_pieces_that_join_to_the_whole_report() -> None:
    result = _result(10_000)
    options = registry.RenderOptions()
    pieces = list(registry.pieces("findings", "text", result, options))
    assert len(pieces) > 2
    assert all(piece.endswith("\n") for piece in pieces)  # each piece ends a line: the next starts in column one
    whole = "".join(pieces)
    assert whole == registry.render("findings", "text", result, options)
    lines = whole.splitlines()
    assert len(lines) == 10_000 + 3  # the findings, the problem, the hint and the summary
    assert lines[0].startswith("m0.py:7:1: VNI001 Old VNI URL 7")  # sorted by path, then line
    assert lines[-3] == "z.py:3: cannot parse"
    assert lines[-1].startswith("7 files scanned: 10000 error")


def test_a_short_report_is_its_findings_and_the_rest_and_the_statistics_one_piece() -> None:
    result = _result(3)
    assert len(list(registry.pieces("findings", "text", result, registry.RenderOptions()))) == 2
    stats = list(registry.pieces("findings", "text", result, registry.RenderOptions(statistics=True)))
    assert len(stats) == 1 and stats[0].startswith("3\tVNI001")


def test_the_diff_comes_one_file_at_a_time() -> None:
    from migrator.output.diff import diff_pieces, unified_diff

    result = RunResult(changes={"b.py": ("x = 1\n", "x = 2\n"), "a.py": ("y = 1", "y = 3"), "c.py": ("same\n", "same\n")})
    pieces = list(diff_pieces(result))
    assert [piece.splitlines()[0] for piece in pieces] == ["--- a/a.py", "--- a/b.py"]  # path order; no empty piece
    assert pieces[0].endswith("\\ No newline at end of file\n")
    assert "".join(pieces) == unified_diff(result)
