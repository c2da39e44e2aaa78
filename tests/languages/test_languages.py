"""VNI051: before/after fixtures for C#, PHP, JavaScript, TypeScript, Java and Go (tree-sitter)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.runner import RunOptions, run
from tests.conftest import ROOT

pytest.importorskip("tree_sitter", reason="pip install -e '.[languages]'")

FIXTURES = ROOT / "tests/fixtures/languages"
LANGUAGES = {"csharp": "cs", "php": "php", "javascript": "js", "typescript": "ts", "java": "java", "go": "go"}
# Strings in the fixtures that must come out byte for byte the same: other hosts, other APIs' paths,
# retired endpoints, comments.
UNCHANGED = (
    "salesorder.visma.net", "journaltx.visma.net", "connect.visma.com", "example.com", "example.org",
    "/API/resources/v1/", "/API/security/api/v2/token", "(comments are not rewritten", "Visma.net client",
)


def _fix(tmp_path: Path, language: str, unsafe: bool = False) -> tuple[str, list]:
    ext = LANGUAGES[language]
    target = tmp_path / f"client.{ext}"
    shutil.copy(FIXTURES / language / f"before.{ext}", target)
    result = run([tmp_path], RunOptions(select=("VNI051",), write=True, unsafe_fixes=unsafe))
    assert result.problems == []
    return target.read_text(), result.findings


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixture_becomes_the_expected_file(tmp_path: Path, language: str) -> None:
    out, findings = _fix(tmp_path, language)
    assert out == (FIXTURES / language / f"after.{LANGUAGES[language]}").read_text()
    assert any(f.extra.get("fixed") for f in findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_must_not_change_cases_keep_their_lines(language: str) -> None:
    ext = LANGUAGES[language]
    before = (FIXTURES / language / f"before.{ext}").read_text().splitlines()
    after = (FIXTURES / language / f"after.{ext}").read_text().splitlines()
    assert len(before) == len(after)
    for old, new in zip(before, after):
        if any(marker in old for marker in UNCHANGED):
            assert old == new, old


@pytest.mark.parametrize("language", LANGUAGES)
def test_second_fix_changes_nothing(tmp_path: Path, language: str) -> None:
    ext = LANGUAGES[language]
    shutil.copy(FIXTURES / language / f"after.{ext}", tmp_path / f"client.{ext}")
    result = run([tmp_path], RunOptions(select=("VNI051",)))
    assert result.changes == {} and not any(f.edits and f.fix.value == "safe" for f in result.findings)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("csharp", {"retired": 1, "header": 2}),
        ("php", {"retired": 1, "header": 2, "base_name": 1}),
        ("javascript", {"retired": 1, "header": 1}),
        ("typescript", {"retired": 1}),
        ("java", {"header": 1}),
        ("go", {"retired": 1, "header": 2}),
    ],
)
def test_precise_findings_for_what_is_not_rewritten(tmp_path: Path, language: str, expected: dict[str, int]) -> None:
    _, findings = _fix(tmp_path, language)
    counts = {key: sum(1 for f in findings if key in f.extra) for key in expected}
    assert counts == expected


def test_split_base_used_elsewhere_or_mutable_is_a_review_fix(tmp_path: Path) -> None:
    _, findings = _fix(tmp_path, "java")
    review = [f for f in findings if f.fix.value == "review"]
    assert len(review) == 1 and "mutable is not a constant" in review[0].message
    out, _ = _fix(tmp_path, "java", unsafe=True)
    assert 'private String mutable = "https://api.finance.visma.net";' in out
    assert 'return mutable + "/v1/supplier";' in out


def test_constant_used_outside_a_join_keeps_the_split_for_review(tmp_path: Path) -> None:
    source = (
        'const BASE = "https://integration.visma.net/API";\n'
        'const url = BASE + "/controller/api/v1/customer";\n'
        "console.log(BASE);\n"
    )
    (tmp_path / "a.js").write_text(source)
    result = run([tmp_path], RunOptions(select=("VNI051",), write=True))
    assert (tmp_path / "a.js").read_text() == source
    (finding,) = result.findings
    assert finding.fix.value == "review" and "also used where the tool cannot follow it" in finding.message


def test_erp_api_background_underscore_is_a_review_fix(tmp_path: Path) -> None:
    out, findings = _fix(tmp_path, "go", unsafe=True)
    assert 'r.Header.Set("erp-api-background", "none")' in out
    assert [f.fix.value for f in findings if f.extra.get("header") == "erp_api_background"] == ["review"]


def test_missing_grammar_is_one_line_per_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.languages import treesitter

    def missing(package: str, function: str) -> None:
        raise treesitter.GrammarMissing(package)

    monkeypatch.setattr(treesitter, "_parser", missing)
    for name in ("a.cs", "b.cs"):
        (tmp_path / name).write_text('var u = "https://integration.visma.net/API/controller/api/v1/x";\n')
    result = run([tmp_path], RunOptions(select=("VNI051",)))
    assert len(result.problems) == 1
    assert "grammar for C# is not installed" in result.problems[0].message and "2 C# file(s)" in result.problems[0].message
