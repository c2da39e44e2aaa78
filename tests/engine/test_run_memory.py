"""A large run keeps every finding to the end: what they repeat is held once, and the collector is
left as the caller had it."""

import gc
from pathlib import Path

from migrator.findings import Edit, Finding, FixSafety, Interner, Severity
from migrator.runner import RunOptions, run

OLD = "https://integration.visma.net/API/controller/api/v1/customer"


def _pooled_tree(root: Path) -> Path:
    root.mkdir()
    for i in range(60):  # enough files for the worker pool
        (root / f"m{i:02d}.py").write_text(f'URL = "{OLD}"\nHEADERS = {{"ipp-company-id": "1"}}\n')
    return root


def test_findings_from_different_workers_share_the_strings_they_repeat(tmp_path: Path) -> None:
    result = run([_pooled_tree(tmp_path / "tree")], RunOptions(verify=False, jobs=2))
    urls = [f for f in result.findings if f.rule == "VNI001"]
    assert len(urls) == 60
    assert len({id(f.message) for f in urls}) == 1
    assert len({id(f.snippet) for f in urls}) == 1
    assert len({id(f.extra["url"]) for f in urls}) == 1
    assert gc.get_freeze_count() == 0  # what the run froze is the caller's to collect again


def test_the_interner_keeps_values_and_their_types() -> None:
    def finding(path: str) -> Finding:
        return Finding("VNI001", Severity.ERROR, FixSafety.SAFE, path, 1, 1, 1, 5, "m" * 3, edits=(Edit(0, 1, "x"),),
                       replacement="r" * 3, snippet="s" * 3, extra={"url": "u" * 3, "bases": ["b" * 3], "proved": True})

    one, two = finding("a.py"), finding("b.py")
    before = [one.to_json(), two.to_json()]
    Interner().findings([one, two])
    assert [one.to_json(), two.to_json()] == before
    assert one.extra["bases"][0] is two.extra["bases"][0] and isinstance(two.extra["bases"], list)
    assert one.message is two.message and one.replacement is two.replacement and one.extra["url"] is two.extra["url"]
