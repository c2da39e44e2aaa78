"""The baseline ratchet: an unchanged tree passes (even when lines move), a new old-URL use fails."""

import json
from pathlib import Path

from tests.ci.conftest import OLD, write_tree

CLIENT = f'''\
import requests

BASE = "{OLD}"


def customers():
    return requests.get("{OLD}/list")


def same_again():
    return requests.get("{OLD}/list")
'''


def _scan(cli, root: Path, *args: str):
    return cli("scan", *args, str(root), cwd=root)


def test_unchanged_tree_passes_and_new_use_fails(cli, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"src/client.py": CLIENT})
    assert _scan(cli, root).returncode == 1
    written = cli("scan", "--write-baseline", ".vni-baseline.json", "src", cwd=root)
    assert written.returncode == 0 and "findings accepted" in written.stderr
    data = json.loads((root / ".vni-baseline.json").read_text())
    assert data["version"] == 1 and sum(e["count"] for e in data["findings"]) >= 3
    assert {e["path"] for e in data["findings"]} == {"src/client.py"}

    ok = cli("scan", "--baseline", ".vni-baseline.json", "src", cwd=root)
    assert ok.returncode == 0, ok.stdout
    assert f"{sum(e['count'] for e in data['findings'])} known findings not shown" in ok.stderr

    # lines move, code is reformatted (quotes, spacing): still the same findings
    moved = CLIENT.replace("import requests\n", "import requests\nimport os\n\n\n# a comment\n")
    moved = moved.replace(f'requests.get("{OLD}/list")', f"requests.get( '{OLD}/list' )")
    (root / "src/client.py").write_text(moved)
    assert cli("scan", "--baseline", ".vni-baseline.json", "src", cwd=root).returncode == 0

    # a new use of the old URL fails, and only it is reported
    (root / "src/client.py").write_text(moved + f'\n\ndef invoices():\n    return requests.get("{OLD.replace("customer", "customerInvoice")}")\n')
    new = cli("scan", "--baseline", ".vni-baseline.json", "--format", "json", "src", cwd=root)
    assert new.returncode == 1
    found = json.loads(new.stdout)["findings"]
    new_line = len(moved.splitlines()) + 4  # the `return requests.get(...)` line
    assert found and {f["line"] for f in found} == {new_line}
    assert any(f["rule"] == "VNI001" and "customerInvoice" in f["message"] for f in found)


def test_a_duplicate_of_a_known_finding_is_new(cli, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"client.py": CLIENT})
    cli("scan", "--write-baseline", "base.json", ".", cwd=root)
    # a third identical call: same fingerprint as two baselined ones, but one more than accepted
    (root / "client.py").write_text(CLIENT + f'\n\ndef third():\n    return requests.get("{OLD}/list")\n')
    result = cli("scan", "--baseline", "base.json", "--format", "json", ".", cwd=root)
    assert result.returncode == 1
    found = json.loads(result.stdout)["findings"]
    assert [f["rule"] for f in found if f["rule"] == "VNI001"] == ["VNI001"]  # one of the three is new
    assert {f["line"] for f in found} == {len(CLIENT.splitlines()) + 4}


def test_baseline_paths_are_relative_to_the_baseline_file(cli, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"src/client.py": CLIENT})
    cli("scan", "--write-baseline", str(root / "b.json"), str(root / "src"))  # absolute paths
    assert cli("scan", "--baseline", "b.json", "src", cwd=root).returncode == 0  # relative paths
    assert cli("scan", "--baseline", "../b.json", ".", cwd=root / "src").returncode == 0


def test_a_missing_or_broken_baseline_is_a_configuration_error(cli, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"client.py": CLIENT, "bad.json": "{not json", "other.json": '{"version": 7}'})
    for name, message in (("none.json", "does not exist"), ("bad.json", "invalid JSON"), ("other.json", "not a vni-migrate baseline")):
        result = cli("scan", "--baseline", name, ".", cwd=root)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    assert cli("scan", "--baseline", "bad.json", "--write-baseline", "x.json", ".", cwd=root).returncode == 2
