"""`examples.reported` in rule files: report-only rules prove what they flag (`vni-migrate rules test`)."""

from pathlib import Path

RULE = """\
id: ACME030
name: acme-retired
title: ACME's own retired VNI endpoint
severity: warning
fix: manual
kind: retired-endpoint
message: "{url} is retired"
rationale: Our wrapper still calls it.
parameters:
  endpoints: ['resources/v1/acme']
examples:
  reported:
    - |
      U = "https://integration.visma.net/API/resources/v1/acme"
%s  unchanged:
    - |
      U = "https://example.com/resources/v1/acme"
"""


def _rules(tmp_path: Path, extra: str = "") -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "ACME030.yaml").write_text(RULE % extra)
    return folder


def test_reported_example_that_is_flagged_passes(cli, tmp_path: Path) -> None:
    result = cli("rules", "test", str(_rules(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ACME030 acme-retired: 2 examples, ok" in result.stdout


def test_reported_example_that_is_not_flagged_fails(cli, tmp_path: Path) -> None:
    missing = '    - |\n      U = "https://integration.visma.net/API/resources/v1/other"\n'
    result = cli("rules", "test", str(_rules(tmp_path, missing)))
    assert result.returncode == 1
    assert "must be reported, but nothing was found" in result.stderr


def test_reported_examples_must_be_code_strings(cli, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "ACME030.yaml").write_text(RULE.replace('    - |\n      U = "https://integration.visma.net/API/resources/v1/acme"\n', "    - 3\n", 1) % "")
    result = cli("rules", "test", str(folder))
    assert result.returncode == 2
    assert "ACME030.yaml:13: each reported example must be a string of code" in result.stderr
