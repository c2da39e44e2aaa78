"""The README's "Extending" section: a new kind, output format and allowlist format are each one new
file. The three modules and the rule file are read from the README, written into temporary folders
that join their package's search path (nothing in the repository changes), and run."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

from migrator.allowlist import Verdict, audit
from migrator.allowlist.formats import ADAPTERS
from migrator.codemods import KINDS
from migrator.engine import process_file
from migrator.output import registry
from migrator.rulefile import load_rules
from migrator.ruletest import check_rule
from migrator.runner import RunResult
from tests.conftest import ROOT


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^## Extending\n(.*?)^## ", text, re.MULTILINE | re.DOTALL)
    assert found, "the README has no Extending section"
    return found.group(1)


def _blocks() -> dict[str, str]:
    """Each code block of the section by the file it names: the last `path` in backticks before it."""
    section = _section()
    out: dict[str, str] = {}
    for match in re.finditer(r"```(?:python|yaml)\n(.*?)```", section, re.DOTALL):
        names = re.findall(r"`([\w/.-]+\.(?:py|yaml))`", section[: match.start()])
        out[names[-1]] = match.group(1)
    return out


def _add_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dotted_path: str, code: str) -> str:
    """Write `code` as the module `dotted_path` names, in a temporary folder on its package's path."""
    package_name, _, module = dotted_path.removesuffix(".py").replace("/", ".").rpartition(".")
    folder = tmp_path / package_name.replace(".", "_")
    folder.mkdir(exist_ok=True)
    (folder / f"{module}.py").write_text(code, encoding="utf-8")
    package = importlib.import_module(package_name)
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])
    monkeypatch.delitem(sys.modules, f"{package_name}.{module}", raising=False)
    return f"{package_name}.{module}"


@pytest.fixture
def readme_extensions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    blocks = _blocks()
    modules = [path for path in blocks if path.startswith("migrator/")]
    assert sorted(modules) == ["migrator/allowlist/formats/ip_list.py", "migrator/codemods/host_literal.py", "migrator/output/count_format.py"]
    added = [_add_module(monkeypatch, tmp_path, path, blocks[path]) for path in modules]
    # Each registry scans its folder again; monkeypatch puts the loaded state back afterwards.
    monkeypatch.setattr(KINDS, "_modules", None)
    monkeypatch.setattr(ADAPTERS, "_modules", None)
    monkeypatch.setattr(registry, "_loaded", False)
    monkeypatch.setattr(registry, "_FORMATS", dict(registry._FORMATS))
    yield blocks
    for name in added:
        sys.modules.pop(name, None)


def test_the_section_names_one_file_per_extension_point() -> None:
    section = _section()
    for folder in ("migrator/codemods/", "migrator/output/", "migrator/allowlist/formats/", "migrator/languages/", "migrator/configfiles/"):
        assert f"`{folder}<name>.py`" in section


def test_a_new_kind_is_one_module(readme_extensions: dict[str, str], tmp_path: Path) -> None:
    assert "host-literal" not in ROOT.joinpath("migrator/codemods/__init__.py").read_text()
    assert "host-literal" in KINDS
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "ACME901-host-literal.yaml").write_text(readme_extensions["ACME901-host-literal.yaml"], encoding="utf-8")
    rules = load_rules((rules_dir,), KINDS)
    rule = next(r for r in rules if r.id == "ACME901")
    count, failures = check_rule(rule, rules)  # the rule file's examples through the real engine
    assert count == 2 and failures == []
    source = tmp_path / "client.py"
    source.write_text('HOST = "partner-old.visma.net"\nOTHER = "partner-old.visma.net.org"\n', encoding="utf-8")
    result = process_file(source, "client.py", [rule], unsafe=False, write=True)
    assert [(f.rule, f.line, f.message) for f in result.findings] == [("ACME901", 1, "partner-old.visma.net becomes partner.visma.net")]
    assert source.read_text() == 'HOST = "partner.visma.net"\nOTHER = "partner-old.visma.net.org"\n'


def test_a_new_output_format_is_one_module(readme_extensions: dict[str, str]) -> None:
    assert "count" in registry.choices("findings")
    assert registry.choices("findings")[0] == "text"  # the default stays first
    rules = load_rules((), KINDS)
    from migrator.findings import Finding, FixSafety, Severity

    findings = [Finding("VNI001", Severity.ERROR, FixSafety.SAFE, "a.py", 1, 1, 1, 2, "m", suppressed=suppressed) for suppressed in (False, True, False)]
    assert registry.render("findings", "count", RunResult(findings=findings, rules=rules)) == "2\n"


def test_a_new_allowlist_format_is_one_module(readme_extensions: dict[str, str], tmp_path: Path) -> None:
    assert "ip-list" in ADAPTERS
    tree = tmp_path / "deploy"
    tree.mkdir()
    (tree / "allowed-ips.txt").write_text("10.0.0.1\n", encoding="utf-8")
    result = audit([tree], listener_url="https://hooks.example.com/visma")
    layers = [layer for layer in result.layers if layer.format == "ip-list"]
    assert len(layers) == 1
    assert layers[0].verdict is Verdict.BLOCKS  # only 10.0.0.1 gets through: the senders are refused
    assert len(layers[0].missing) == 3
