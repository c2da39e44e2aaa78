"""VNI050: configuration values are rewritten in place; every other byte of the file stays."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from migrator.runner import RunOptions, run
from tests.conftest import ROOT

FIXTURES = ROOT / "tests/fixtures/configfiles"
FORMATS = ["env", "ini", "toml", "json", "yaml", "config", "properties"]


def _fix(tmp_path: Path, name: str, data: bytes, unsafe: bool = False) -> tuple[bytes, list]:
    target = tmp_path / name
    target.write_bytes(data)
    result = run([tmp_path], RunOptions(select=("VNI050",), write=True, unsafe_fixes=unsafe))
    return target.read_bytes(), result.findings


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    return [line for line in difflib.ndiff(before.decode().splitlines(True), after.decode().splitlines(True)) if line[:1] in "+-"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_fixture_becomes_the_expected_file(tmp_path: Path, suffix: str) -> None:
    before = (FIXTURES / f"before.{suffix}").read_bytes()
    out, findings = _fix(tmp_path, f"settings.{suffix}", before)
    assert out == (FIXTURES / f"after.{suffix}").read_bytes()
    assert any(f.extra.get("fixed") for f in findings)


@pytest.mark.parametrize("suffix", FORMATS)
def test_crlf_files_keep_crlf_and_every_other_byte(tmp_path: Path, suffix: str) -> None:
    before = (FIXTURES / f"before.{suffix}").read_bytes().replace(b"\n", b"\r\n")
    expected = (FIXTURES / f"after.{suffix}").read_bytes().replace(b"\n", b"\r\n")
    out, _ = _fix(tmp_path, f"settings.{suffix}", before)
    assert out == expected
    assert out.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in out.replace(b"\r\n", b"")


@pytest.mark.parametrize("suffix", FORMATS)
def test_second_fix_changes_nothing(tmp_path: Path, suffix: str) -> None:
    shutil.copy(FIXTURES / f"after.{suffix}", tmp_path / f"settings.{suffix}")
    result = run([tmp_path], RunOptions(select=("VNI050",)))
    assert result.changes == {}
    assert not any(f.edits for f in result.findings)


@pytest.mark.parametrize("suffix", FORMATS)
def test_only_url_characters_change(suffix: str) -> None:
    before = (FIXTURES / f"before.{suffix}").read_bytes()
    after = (FIXTURES / f"after.{suffix}").read_bytes()
    removed = [line for line in _changed_lines(before, after) if line.startswith("-")]
    added = [line for line in _changed_lines(before, after) if line.startswith("+")]
    assert len(removed) == len(added) > 0
    for old, new in zip(removed, added):
        # the line minus the old prefix and host is exactly the new line: comments, quotes, spacing kept
        normalised = old[1:].replace("https\\://", "https://")
        for segment in ("/API/service/controller/api", "/API/controller/api"):
            normalised = normalised.replace(segment, "")
        assert normalised.replace("https://integration.visma.net", "https://api.finance.visma.net") == new[1:].replace("https\\://", "https://")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.env", "ORDERS=https://salesorder.visma.net/api/v1/salesorder\n# https://integration.visma.net/API/controller/api/v1/\n"),
        ("a.json", '{"token": "https://connect.visma.com/connect/token", "other": "https://example.com/controller/api/v1/x"}\n'),
        ("a.yaml", "# https://integration.visma.net/API/controller/api/v1/ in a comment\nurl: https://journaltx.visma.net/api/v1/x\n"),
        ("web.config", '<configuration><!-- https://integration.visma.net/API/controller/api/v1/ --><add key="x" value="https://api.finance.visma.net/v1/"/></configuration>\n'),
        ("a.ini", "[x]\n; https://integration.visma.net/API/controller/api/v1/\nurl = https://api.finance.visma.net/v1/customer\n"),
        ("a.toml", '# https://integration.visma.net/API/controller/api/v1/\nurl = "https://api.finance.visma.net/v2/"\n'),
        ("a.properties", "# https://integration.visma.net/API/controller/api/v1/\nurl=https://api.finance.visma.net/v1/\n"),
    ],
)
def test_comments_other_hosts_and_new_urls_are_left_alone(tmp_path: Path, name: str, text: str) -> None:
    out, findings = _fix(tmp_path, name, text.encode())
    assert out == text.encode()
    assert findings == []


def test_retired_endpoint_is_reported_not_rewritten(tmp_path: Path) -> None:
    text = b"VISMA_EVENTS=https://integration.visma.net/API/resources/v1/event\n"
    out, findings = _fix(tmp_path, ".env", text)
    assert out == text
    (finding,) = findings
    assert finding.fix.value == "manual" and finding.extra["retired"] and "Developer Portal" in finding.message


def test_json_with_escaped_slashes_is_reported_but_not_guessed(tmp_path: Path) -> None:
    text = b'{"url": "https:\\/\\/integration.visma.net\\/API\\/controller\\/api\\/v1\\/"}\n'
    out, findings = _fix(tmp_path, "a.json", text)
    assert out == text
    (finding,) = findings
    assert finding.fix.value == "manual" and "escape" in finding.message


def test_suppression_comment_in_a_config_file(tmp_path: Path) -> None:
    text = b"# vni-migrate: ignore[VNI050] archive job still on the old host\nARCHIVE=https://integration.visma.net/API/controller/api/v1/\n"
    out, findings = _fix(tmp_path, ".env", text)
    assert out == text
    assert [f.suppressed for f in findings] == [True]


def test_utf8_bom_and_non_ascii_keep_their_bytes(tmp_path: Path) -> None:
    text = "\ufeff# Réglages\nURL=https://integration.visma.net/API/controller/api/v1/ # é\n".encode()
    out, _ = _fix(tmp_path, ".env", text)
    assert out == "\ufeff# Réglages\nURL=https://api.finance.visma.net/v1/ # é\n".encode()
