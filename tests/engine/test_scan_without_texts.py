"""A scan that shows no diff keeps no file texts (a large run would hold two of every file to the
end), yet reports exactly what a scan with the diff reports: the same findings and the same files
that the fixes would change."""

from pathlib import Path

import pytest

from migrator.runner import RunOptions, run

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
OLD = "https://integration.visma.net/API/controller/api/v1/customer"


def _pooled_tree(root: Path) -> Path:
    root.mkdir()
    for i in range(60):  # enough files for the worker pool
        (root / f"m{i:02d}.py").write_text(f'URL = "{OLD}/{i}"\nOTHER = "https://integration.visma.net/API/resources/v1/context"\n')
    return root


@pytest.mark.parametrize("tree", ["url_model", "integrations", "webhooks", "configfiles", "languages", "project_flow",
                                  "examples/legacy-integration", "pooled"])
@pytest.mark.parametrize("unsafe", [False, True])
def test_a_scan_without_diff_reports_what_a_scan_with_diff_does(tree: str, unsafe: bool, tmp_path: Path) -> None:
    path = _pooled_tree(tmp_path / "pooled") if tree == "pooled" else (ROOT / tree if "/" in tree else FIXTURES / tree)
    shown = run([path], RunOptions(verify=True, unsafe_fixes=unsafe))
    plain = run([path], RunOptions(verify=False, unsafe_fixes=unsafe))
    assert shown.changed or not unsafe, "the tree holds fixes"
    assert set(shown.changes) == shown.changed
    assert plain.changes == {}
    assert plain.changed == shown.changed
    assert [f.to_json() for f in plain.findings] == [f.to_json() for f in shown.findings]
    assert [p.to_json() for p in plain.problems] == [p.to_json() for p in shown.problems]
