"""[tool.vni-migrate] in pyproject.toml: found by walking up, overridden by flags, shown by `config`."""

import json
from pathlib import Path

from migrator.config import ConfigError, load_config
from tests.ci.conftest import OLD, write_tree

PYPROJECT = """\
[project]
name = "acme-integration"

[tool.vni-migrate]
ignore = ["VNI004"]
exclude = ["legacy/*"]
background = ["v1/generalLedgerTransactions", "v1/customerInvoice"]
listener-url = "https://hooks.example.com/visma"
unsafe-fixes = true
"""
CODE = f'U = "{OLD}"  # was {OLD}\n'


def _project(root: Path, pyproject: str = PYPROJECT) -> Path:
    return write_tree(root, {"pyproject.toml": pyproject, "src/app/a.py": CODE, "legacy/old.py": CODE})


def test_the_nearest_pyproject_with_the_table_is_found_by_walking_up(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    write_tree(root / "src", {"pyproject.toml": "[project]\nname = 'inner'\n"})  # no table: passed over
    values, sources = load_config([root / "src" / "app" / "a.py"])
    assert values["ignore"] == ["VNI004"]
    assert values["background"] == ["v1/generalLedgerTransactions", "v1/customerInvoice"]
    assert values["unsafe-fixes"] is True
    assert sources["ignore"] == f"{root / 'pyproject.toml'}:5"
    assert sources["select"] == "default"


def test_flags_override_the_file_key_by_key(tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    values, sources = load_config([root], overrides={"ignore": (["VNI001"], "--ignore")})
    assert values["ignore"] == ["VNI001"] and sources["ignore"] == "command line (--ignore)"
    assert values["exclude"] == ["legacy/*"]  # untouched keys keep the file's value


def test_config_values_reach_the_run(cli, tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    result = cli("scan", "--format", "json", str(root))
    found = json.loads(result.stdout)["findings"]
    assert {f["rule"] for f in found} == {"VNI001"}  # VNI004 ignored by the file
    assert all("legacy" not in f["path"] for f in found)  # excluded by the file
    flagged = json.loads(cli("scan", "--format", "json", "--ignore", "VNI001", str(root)).stdout)["findings"]
    assert {f["rule"] for f in flagged} == {"VNI004"}  # the flag replaced the file's ignore list
    isolated = json.loads(cli("scan", "--format", "json", "--isolated", str(root)).stdout)["findings"]
    assert {f["rule"] for f in isolated} == {"VNI001", "VNI004"}
    assert any("legacy" in f["path"] for f in isolated)


def test_unsafe_fixes_from_the_file_and_its_flag_override(cli, tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", PYPROJECT.replace('ignore = ["VNI004"]\n', ""))
    cli("fix", "--no-unsafe-fixes", str(root / "src"))
    assert f"# was {OLD}" in (root / "src/app/a.py").read_text()  # review fix (VNI004) not applied
    cli("fix", str(root / "src"))
    assert "integration.visma.net" not in (root / "src/app/a.py").read_text()  # unsafe-fixes = true


def test_ignore_from_pyproject_hides_the_rule(cli, tmp_path: Path) -> None:
    """Acceptance: `ignore = [...]` in pyproject.toml leaves no unsuppressed finding of that rule."""
    from migrator.codemods import KINDS
    from migrator.rulefile import load_rules

    ids = {rule.id for rule in load_rules((), KINDS)}
    rule = "VNI033" if "VNI033" in ids else "VNI004"  # VNI033 (ipp headers) where it exists
    code = f'import requests\n\nrequests.get("{OLD}", headers={{"ipp-company-id": "1"}}, params={{"pageSize": 100}})  # {OLD}\n'
    root = write_tree(tmp_path / "proj", {"a.py": code})
    before = json.loads(cli("scan", "--format", "json", str(root)).stdout)["findings"]
    assert any(f["rule"] == rule and not f["suppressed"] for f in before)
    write_tree(root, {"pyproject.toml": f'[tool.vni-migrate]\nignore = ["{rule}"]\n'})
    after = json.loads(cli("scan", "--format", "json", str(root)).stdout)["findings"]
    assert not [f for f in after if f["rule"] == rule and not f["suppressed"]]
    assert after  # the other rules still report


def test_config_command_prints_values_and_sources(cli, tmp_path: Path) -> None:
    root = _project(tmp_path / "proj")
    result = cli("config", "--select", "VNI00", str(root))
    assert result.returncode == 0
    lines = {line.split("=")[0].strip(): line for line in result.stdout.splitlines() if "=" in line}
    assert lines["select"].endswith("# command line (--select)") and '"VNI00"' in lines["select"]
    assert lines["background"].endswith(f"# {root / 'pyproject.toml'}:7")
    assert lines["rules"].endswith("# default")
    data = json.loads(cli("config", "--format", "json", str(root)).stdout)
    assert data["values"]["listener-url"] == "https://hooks.example.com/visma"
    assert data["file"] == str(root / "pyproject.toml")


def test_broken_configuration_exits_2_with_file_and_line(cli, tmp_path: Path) -> None:
    cases = {
        "ignore = 5\n": "pyproject.toml:2: [tool.vni-migrate] ignore must be a list of strings",
        "unsafe-fixes = \"yes\"\n": "pyproject.toml:2: [tool.vni-migrate] unsafe-fixes must be true or false",
        "colour = true\n": "pyproject.toml:2: [tool.vni-migrate] unknown key 'colour'",
        "rules = [\"no-such-folder\"]\n": "rule folder",
        "select = [\"VNI-1\"]\n": "is not a rule id or prefix",
        "ignore = [\n": "invalid TOML",
    }
    for body, message in cases.items():
        root = write_tree(tmp_path / f"case{len(body)}{abs(hash(body))}", {"a.py": CODE, "pyproject.toml": "[tool.vni-migrate]\n" + body})
        for args in (("scan", str(root)), ("fix", "--check", str(root)), ("config", str(root))):
            result = cli(*args)
            assert result.returncode == 2, (body, args, result.stderr)
            assert message in result.stderr and "Traceback" not in result.stderr, (body, result.stderr)
            assert len(result.stderr.strip().splitlines()) == 1


def test_load_config_raises_config_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": "[tool.vni-migrate]\nbackground = [1, 2]\n"})
    try:
        load_config([root])
    except ConfigError as exc:
        assert "background must be a list of strings" in str(exc)
    else:
        raise AssertionError("no ConfigError")
