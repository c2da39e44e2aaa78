"""Rewrites that cannot be proved exact are reported, never applied (and the project group waits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.runner import RunOptions, run

BASE = "https://integration.visma.net/API/controller/api/"


@pytest.mark.parametrize(
    "use",
    [
        'URL = "%-40sv1/customer" % BASE',
        'URL = f"{BASE:<40}v1/customer"',
        'URL = "{:>50}v1/customer".format(BASE)',
        'URL = "%r" % BASE',
        'URL = f"{BASE!r}"',
    ],
)
def test_a_base_formatted_with_a_width_or_conversion_spec_is_not_rewritten(tmp_path: Path, use: str) -> None:
    source = f'BASE = "{BASE}"\n{use}\n'
    (tmp_path / "a.py").write_text(source)
    result = run([tmp_path], RunOptions(write=True, unsafe_fixes=True))
    assert (tmp_path / "a.py").read_text() == source
    assert any("formatted with" in f.message for f in result.findings), [f.message for f in result.findings]


def test_a_base_shared_with_a_retired_endpoint_is_not_moved(tmp_path: Path) -> None:
    source = (
        'BASE = "https://integration.visma.net/API/"\n'
        'SUBSCRIBE = BASE + "resources/v1/subscription"\n'
        'CUSTOMERS = BASE + "controller/api/v1/customer"\n'
    )
    (tmp_path / "a.py").write_text(source)
    result = run([tmp_path], RunOptions(write=True, unsafe_fixes=True))
    assert (tmp_path / "a.py").read_text() == source  # the subscription call would land on the new host
    assert any("retired endpoint" in f.message for f in result.findings)


def test_paths_of_another_host_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'BASE = "https://integration.visma.net/API"\nP = "/controller/api/v1/customer"\n'
        'OTHER = "https://example.com/API" + "/controller/api/v1/supplier"\n'
    )
    run([tmp_path], RunOptions(write=True, unsafe_fixes=True))
    text = (tmp_path / "a.py").read_text()
    assert 'P = "/v1/customer"' in text and '"https://example.com/API" + "/controller/api/v1/supplier"' in text


@pytest.mark.parametrize(
    "line",
    [
        'URL = b"https://integration.visma.net/API/controller/api/v1/customer"',
        'URL = ' + " + ".join(['"https://integration.visma.net/API/controller/api"'] + ['"/x"'] * 20),
    ],
)
def test_what_no_analysis_follows_is_still_reported(tmp_path: Path, line: str) -> None:
    (tmp_path / "a.py").write_text(line + "\n")
    result = run([tmp_path], RunOptions())
    assert any(f.line == 1 and not f.suppressed for f in result.findings)


def test_ipp_headers_are_reported_only_on_financials_clients(tmp_path: Path) -> None:
    (tmp_path / "orders.js").write_text(
        'const SO = "https://salesorder.visma.net/api/v1/salesorder";\n'
        'fetch(SO, { headers: { "ipp-company-id": c } });\n'
    )
    (tmp_path / "finance.js").write_text(
        'const B = "https://integration.visma.net/API/controller/api/v1/customer";\n'
        'fetch(B, { headers: { "ipp-company-id": c } });\n'
    )
    found = [(Path(f.path).name, f.line) for f in run([tmp_path], RunOptions()).findings if "ipp-company-id" in f.message]
    assert found == [("finance.js", 2)]


def test_openapi_documents_move_and_scripts_and_docs_are_reported(tmp_path: Path) -> None:
    import json
    import shutil

    root = tmp_path / "openapi"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "url_model" / "openapi", root)
    before = run([root], RunOptions())
    reported = {(Path(f.path).name, f.rule) for f in before.findings}
    assert ("download-spec.ps1", "VNI008") in reported and ("README.md", "VNI008") in reported
    run([root], RunOptions(write=True, unsafe_fixes=True))
    spec = json.loads((root / "swagger.json").read_text())
    assert spec["host"] == "api.finance.visma.net" and spec["basePath"] == "/"
    assert sorted(spec["paths"]) == ["/v1/account", "/v1/customer/{customerCd}"]
    # scripts are reported, never rewritten
    assert (root / "download-spec.ps1").read_text() == '$r = Invoke-WebRequest -Uri "https://integration.visma.net/API-index/doc/swagger"\n'


def test_a_join_through_a_reassigned_name_is_not_proved(tmp_path: Path) -> None:
    source = (
        'let base = "https://integration.visma.net/API";\n'
        'if (process.env.OTHER) { base = "https://example.com/API"; }\n'
        'fetch(base + "/controller/api/v1/x");\n'
    )
    (tmp_path / "a.js").write_text(source)
    result = run([tmp_path], RunOptions(write=True, select=("VNI051",)))
    assert (tmp_path / "a.js").read_text() == source
    assert not any(f.fixable for f in result.findings)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("https://api.finance.visma.net/API/controller/", "https://api.finance.visma.net/"),  # never `/controller/`
        ("https://api.finance.visma.net/API/controller/api*", "https://api.finance.visma.net*"),  # a test double's pattern
        ("https://integration.visma.net/API/controller/api*", "https://api.finance.visma.net*"),
        ("https://api.finance.visma.net/API/controller", "https://api.finance.visma.net"),
    ],
)
def test_half_migrated_urls_lose_all_of_the_prefix_left(old: str, new: str) -> None:
    from migrator.urls import migrate_url

    assert migrate_url(old) == new
