"""What is left of the old gateway is searched for only on the lines that can hold it; that must
find exactly what a search of the whole text finds."""

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.codemods import residual
from migrator.python.urlflow import LineIndex

PIECES = ["integration.visma.net", "Integration.Visma.NET", "controller/api", "API/controller/api", "service/controller/api",
          "api.finance.visma.net/api", "resources/v1/event", "resources/oauth/authorize", "security/api/v2", "\n", "\r\n",
          "-", "_", "x", "/", " ", "'", '"', "İ", "ß", "\r"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20), st.sets(st.integers(1, 6)))
def test_pieces_of_any_text_outside_skipped_lines_are_those_of_a_whole_search(parts: list[str], skip: set[int]) -> None:
    text = "".join(parts)
    index = LineIndex(text)
    expected = [p for p in residual._left_pieces(text, True) if index.position(p[0])[0] not in skip]
    assert residual._pieces_outside(text, index, skip, True) == expected


LINES = ['BASE = "https://integration.visma.net/API"', "url = BASE + '/controller/api/v1/customer'", "x = 1",
         "# see resources/v1/subscription", 'OTHER = "https://example.com/API/controller/api/v1"', 'SEG = "/API/"',
         "path = 'api/v1/x'", 'HOST = "integration.visma.net"', "ok = 'https://api.finance.visma.net/v1/x'", "",
         "s = `security/api/v2`", 'p = "/controller/"', "café = 'visma.net'", "\r", "İ = 1"]


def _expected(text: str, skip: set[int]) -> list[tuple[int, int, str]]:
    index = LineIndex(text)
    return [p for p in residual._left_pieces(text, True) if index.position(p[0])[0] not in skip]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12), st.sets(st.integers(1, 12)), st.booleans())
def test_pieces_outside_covered_lines_are_those_of_the_whole_text(lines: list[str], skip: set[int], final_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert residual._pieces_outside(text, LineIndex(text), skip, True) == _expected(text, skip)


def test_a_file_whose_every_piece_is_covered_is_not_searched(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(LINES[:9] * 50)
    index = LineIndex(text)
    covered = set(range(1, len(index.starts) + 1))  # other findings speak for every line
    searched: list[str] = []
    original = residual._left_pieces
    monkeypatch.setattr(residual, "_left_pieces", lambda t, v: searched.append(t) or original(t, v))
    assert residual._pieces_outside(text, index, covered, True) == []
    assert searched == []
    one_left = 2  # the line that joins the old prefix
    found = residual._pieces_outside(text, index, covered - {one_left}, True)
    assert found and {index.position(p[0])[0] for p in found} == {one_left}
    assert len(searched[0]) < len(text) / 100


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=30), st.booleans(), st.booleans(), st.booleans())
def test_the_pieces_of_a_long_text_are_those_of_a_whole_search(lines: list[str], api_v: bool, visma: bool, crlf: bool) -> None:
    from migrator.urlmodel import pieces

    text = ("\r\n" if crlf else "\n").join(lines * (1 + 5000 // max(1, len("\n".join(lines)))))
    assert len(text) > pieces._SEARCHED_WHOLE
    assert pieces.find_pieces(text, api_v, visma) == pieces._find_pieces(text, api_v, visma)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LINES + ['BASE = "https://integration.visma.net/API/controller"', 'R = "/API/controller/"']),
                min_size=1, max_size=30))
def test_a_long_text_holds_a_controller_base_as_a_whole_search_says(lines: list[str]) -> None:
    from migrator.urlmodel import pieces

    text = "\n".join(lines * (1 + 5000 // max(1, len("\n".join(lines)))))
    assert pieces.has_controller_base(text) == pieces._has_controller_base(text)


class _CountingList(list):  # type: ignore[type-arg]
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        _CountingList.walks += 1
        return super().__iter__()


def _walks_of_found(tmp_path, monkeypatch, files: int) -> int:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from migrator.runner import RunOptions, run

    root = Path(tmp_path) / f"tree{files}"
    root.mkdir()
    for i in range(files):
        (root / f"m{i}.py").write_text(f'BASE{i} = "https://integration.visma.net/API"\nSEG{i} = "/API/"\n')
    original = residual.project_findings

    def counted(ctx, rule):  # type: ignore[no-untyped-def]
        ctx.found = _CountingList(getattr(ctx, "found", []))
        _CountingList.walks = 0
        try:
            return original(ctx, rule)
        finally:
            ctx.found = list(ctx.found)

    from migrator import kind

    monkeypatch.setattr(residual, "project_findings", counted)
    kind._of.cache_clear()  # the typed view of the kind module holds its functions
    try:
        result = run([root], RunOptions())
    finally:
        monkeypatch.undo()
        kind._of.cache_clear()
    assert result.findings and _CountingList.walks > 0
    return _CountingList.walks


def test_the_project_phase_findings_are_walked_once_not_once_per_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # walking them for every file made the residual check quadratic on a large tree
    assert _walks_of_found(tmp_path, monkeypatch, 2) == _walks_of_found(tmp_path, monkeypatch, 12)
