"""The CLI contract: exit codes, formats, rule files, the bundled example."""

import filecmp
import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT

OLD = "https://integration.visma.net/API/controller/api/v1/customer"
SARIF_SCHEMA = json.loads((ROOT / "tests/fixtures/schemas/sarif-2.1.0.json").read_text())
JSON_SCHEMA = json.loads((ROOT / "migrator/schemas/findings.schema.json").read_text())


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_example_check_fix_and_second_fix(cli, example_copy: Path) -> None:
    assert cli("fix", "--check", str(example_copy)).returncode == 1
    before = {p: p.read_bytes() for p in example_copy.rglob("*.py")}
    # manual and review findings remain after the safe fixes: exit 1, as `ruff check --fix` does
    first = cli("fix", str(example_copy))
    assert first.returncode == 1 and " remaining." in first.stdout, first.stdout
    assert cli("fix", "--check", str(example_copy)).returncode == 0
    after = {p: p.read_bytes() for p in example_copy.rglob("*.py")}
    assert before != after
    assert cli("fix", str(example_copy)).returncode == 1
    assert cli("fix", "--exit-zero", str(example_copy)).returncode == 0
    assert {p: p.read_bytes() for p in example_copy.rglob("*.py")} == after  # second fix changes no byte


def test_example_migrates_to_the_expected_copy(cli, example_copy: Path) -> None:
    cli("fix", str(example_copy))
    expected = ROOT / "tests/fixtures/legacy-integration-migrated/visma_sync"
    comparison = filecmp.dircmp(example_copy / "visma_sync", expected, ignore=["__pycache__"])
    assert comparison.left_only == [] and comparison.right_only == []
    for name in comparison.common_files:
        assert (example_copy / "visma_sync" / name).read_text() == (expected / name).read_text(), name
    # the config-driven part and the .NET client (VNI050, VNI051): compared byte for byte (the .env is CRLF)
    migrated = ROOT / "tests/fixtures/legacy-integration-migrated"
    for rel in (".env", "dotnet/appsettings.json", "dotnet/VismaClient.cs"):
        assert (example_copy / rel).read_bytes() == (migrated / rel).read_bytes(), rel


def test_scan_exit_codes(cli, tmp_path: Path) -> None:
    clean = _tree(tmp_path / "clean", {"a.py": 'U = "https://api.finance.visma.net/v1/x"\n'})
    dirty = _tree(tmp_path / "dirty", {"a.py": f'U = "{OLD}"\n'})
    assert cli("scan", str(clean)).returncode == 0
    result = cli("scan", str(dirty))
    assert result.returncode == 1
    assert "a.py:1:5: VNI001" in result.stdout
    assert cli("scan", str(tmp_path / "missing")).returncode == 2
    assert cli("scan", "--format", "yaml", str(clean)).returncode == 2


def test_diff_writes_nothing(cli, tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a.py": f'U = "{OLD}"\n'})
    result = cli("fix", "--diff", str(tree))
    assert result.returncode == 1
    assert '-U = "https://integration.visma.net' in result.stdout and '+U = "https://api.finance.visma.net/v1/customer"' in result.stdout
    assert (tree / "a.py").read_text() == f'U = "{OLD}"\n'


def test_unparsable_file_makes_fix_exit_non_zero(cli, tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"bad.py": f'U = "{OLD}"\nif:\n', "good.py": f'U = "{OLD}"\n'})
    result = cli("fix", str(tree))
    assert result.returncode == 1
    assert "bad.py:2: cannot parse" in result.stdout
    assert "api.finance" in (tree / "good.py").read_text()
    assert (tree / "bad.py").read_text() == f'U = "{OLD}"\nif:\n'


def test_json_output_matches_the_published_schema(cli, example_copy: Path) -> None:
    result = cli("scan", "--format", "json", str(example_copy))
    data = json.loads(result.stdout)
    jsonschema.validate(data, JSON_SCHEMA)
    assert data["version"] == "1"
    assert data["summary"]["by_rule"]["VNI002"] >= 5
    assert {f["rule"] for f in data["findings"]} >= {"VNI001", "VNI002", "VNI003", "VNI004"}


def test_sarif_validates_and_fingerprints_survive_moved_lines(cli, tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a.py": f'U = "{OLD}"\n'})
    first = json.loads(cli("scan", "--format", "sarif", str(tree)).stdout)
    jsonschema.validate(first, SARIF_SCHEMA)
    driver = first["runs"][0]["tool"]["driver"]
    assert all({"id", "shortDescription", "fullDescription", "help"} <= set(rule) for rule in driver["rules"])
    (tree / "a.py").write_text(f'"""Module."""\n\nimport os\n\nU = "{OLD}"\n')
    second = json.loads(cli("scan", "--format", "sarif", str(tree)).stdout)
    (r1,), (r2,) = first["runs"][0]["results"], second["runs"][0]["results"]
    assert r1["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert r2["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert r1["partialFingerprints"] == r2["partialFingerprints"]


def test_suppressed_findings_stay_in_json(cli, tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a.py": f'U = "{OLD}"  # vni-migrate: ignore[VNI001] kept for the archive\n'})
    result = cli("scan", "--format", "json", str(tree))
    assert result.returncode == 0
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["suppressed"] is True


@pytest.mark.parametrize(
    "content,line,fragment",
    [
        ("id: ACME001\nname: x\n  bad: [\n", 3, "invalid YAML"),
        ("id: ACME001\nname: x\ntitle: t\nseverity: fatal\nfix: safe\nkind: url-rewrite\nmessage: m\nrationale: r\n", 4, "severity"),
        ("id: ACME001\nname: x\ntitle: t\nseverity: error\nfix: safe\nkind: nope\nmessage: m\nrationale: r\n", 6, "unknown kind"),
        ("id: ACME001\nname: [1]\ntitle: t\nseverity: error\nfix: safe\nkind: url-rewrite\nmessage: m\nrationale: r\n", 2, "'name' must be a str"),
    ],
)
def test_broken_rule_file_exits_2_with_path_and_line(cli, tmp_path: Path, content: str, line: int, fragment: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "acme.yaml").write_text(content)
    src = _tree(tmp_path / "src", {"a.py": "x = 1\n"})
    result = cli("scan", "--rules", str(rules), str(src))
    assert result.returncode == 2
    assert f"acme.yaml:{line}:" in result.stderr and fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_user_rule_file_for_a_wrapper(cli, tmp_path: Path) -> None:
    rules = _tree(
        tmp_path / "rules",
        {
            "ACME001.yaml": """id: ACME001
name: acme-client
title: ACME wrapper joins paths to its base
severity: error
fix: safe
kind: split-prefix
message: "ACME client path {old} becomes {new}"
rationale: Our VismaClient(base=...) joins paths like httpx.
parameters:
  clients:
    - constructor: acme.visma.VismaClient
      base_argument: base
      join: httpx
      methods: [call]
examples:
  fixed:
    - before: |
        from acme.visma import VismaClient
        c = VismaClient(base="https://integration.visma.net/API")
        c.call("/controller/api/v1/x")
      after: |
        from acme.visma import VismaClient
        c = VismaClient(base="https://api.finance.visma.net")
        c.call("/v1/x")
"""
        },
    )
    assert cli("rules", "test", str(rules)).returncode == 0
    listing = cli("rules", "list", "--rules", str(rules)).stdout
    assert "ACME001" in listing and "VNI001" in listing


def test_rules_test_passes_and_counts_examples(cli) -> None:
    result = cli("rules", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout


def test_every_rule_has_enough_examples() -> None:
    from migrator.codemods import KINDS
    from migrator.rulefile import load_rules

    for rule in load_rules((), KINDS):
        if rule.kind in ("unused-suppression", "webhook-sender-allowlist") or getattr(KINDS[rule.kind], "LANGUAGE", "python") == "project":  # report-only or project-wide
            continue
        assert len(rule.fixed_examples) + len(rule.reported_examples) >= 5, rule.id  # reported: report-only rules
        assert len(rule.unchanged_examples) >= 3, rule.id


def test_select_and_ignore(cli, tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"a.py": f'U = "{OLD}"\n# {OLD}\n'})
    only = json.loads(cli("scan", "--format", "json", "--select", "VNI004", str(tree)).stdout)
    assert {f["rule"] for f in only["findings"]} == {"VNI004"}
    # VNI008 reports any old URL no enabled rule speaks for: ignoring VNI004 alone leaves the comment to it.
    without = json.loads(cli("scan", "--format", "json", "--ignore", "VNI004,VNI008,VNI9", str(tree)).stdout)
    assert {f["rule"] for f in without["findings"]} == {"VNI001"}
