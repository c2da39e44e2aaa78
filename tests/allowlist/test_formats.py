"""Per-format specifications: each fixture's verdicts, the senders it misses, and that `fix` closes the gap.

Every row: fixture path, expected (verdict, missing) per layer in report order. After applying the
safe fixes, the audit of the fixed tree must show no BLOCKS/PARTIAL layer that had an edit, and a
second fix run must change nothing (fixpoint).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.allowlist import apply_fixes, audit
from migrator.allowlist.model import Verdict

from .conftest import FIXTURES

URL = "https://hooks.example.com/webhooks/visma"
ALL = ["18.202.121.26", "34.242.104.102", "54.220.26.45"]

CASES = [
    # Apache
    ("apache/allows.conf", URL, [("ALLOWS", [])]),
    ("apache/partial_addresses.conf", URL, [("ALLOWS", [])]),
    ("apache/blocks.conf", URL, [("BLOCKS", ALL)]),
    ("apache/child_overrides_parent.conf", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("apache/order_deny_allow.htaccess", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("apache/order_allow_deny_not_restricting.htaccess", URL, [("NOT_RESTRICTING", [])]),
    ("apache/require_host.conf", URL, [("UNKNOWN", [])]),
    # Terraform
    ("terraform/aws_partial", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("terraform/aws_for_each", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("terraform/aws_blocks_behind_alb", URL, [("SEES_PROXY_IP", [])]),
    ("terraform/azure_nsg", URL, [("PARTIAL", ["34.242.104.102", "54.220.26.45"])]),
    ("terraform/gcp_firewall", URL, [("ALLOWS", [])]),
    ("terraform/waf_allows", URL, [("ALLOWS", [])]),
    # Kubernetes
    ("kubernetes/ingress_partial.yaml", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("kubernetes/networkpolicy_except.yaml", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("kubernetes/traefik_blocks.yaml", URL, [("BLOCKS", ALL)]),
    ("kubernetes/traefik_v2_allows.yaml", URL, [("ALLOWS", [])]),
    ("kubernetes/istio_partial.yaml", URL, [("PARTIAL", ["34.242.104.102", "54.220.26.45"])]),
    # CloudFormation
    ("cloudformation/sg_partial.yaml", URL, [("PARTIAL", ["54.220.26.45"])]),
    ("cloudformation/sg_blocks_block_style.yaml", URL, [("BLOCKS", ALL)]),
    ("cloudformation/sg_unknown_param.yaml", URL, [("UNKNOWN", [])]),
    ("cloudformation/waf_allows.yaml", URL, [("ALLOWS", [])]),
    # Python application and env
    ("python/flask_app", None, [("PARTIAL", ["54.220.26.45"]), ("ALLOWS", [])]),
    ("python/envfile", None, [("PARTIAL", ["54.220.26.45"])]),
]


@pytest.mark.parametrize(("fixture", "url", "expected"), CASES, ids=[c[0] for c in CASES])
def test_verdicts_and_fix(fixture: str, url: str | None, expected: list, tmp_path: Path) -> None:
    source = FIXTURES / fixture
    target = tmp_path / source.name
    (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    result = audit([target], url)
    assert not result.problems
    assert [(layer.verdict.value, layer.missing) for layer in result.layers] == expected

    fixed = apply_fixes(result)
    for path, text in fixed.items():
        path.write_bytes(text.encode("utf-8"))
    after = audit([target], url)
    for before, now in zip(result.layers, after.layers):
        if before.edits:
            assert now.verdict is Verdict.ALLOWS, (now.scope, now.detail)
    assert apply_fixes(after) == {}


def test_fix_leaves_every_other_byte_alone(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    shutil.copy(FIXTURES / "nginx" / "crlf" / "nginx.conf", conf)
    original = conf.read_bytes()
    new = apply_fixes(audit([tmp_path], "http://hooks.example.com/webhooks/"))[conf]
    added = "            allow 18.202.121.26;\r\n            allow 54.220.26.45;\r\n"
    assert new.encode() == original.replace(b"            deny all;", added.encode() + b"            deny all;")


def test_deny_rule_is_not_overridden_by_an_unsafe_allow(tmp_path: Path) -> None:
    """Istio DENY wins over ALLOW: adding to the ALLOW list cannot help, so the finding stays manual."""
    result = audit([FIXTURES / "kubernetes" / "istio_partial.yaml"], URL)
    (layer,) = result.layers
    assert layer.edits == [] and layer.manual_lines


def test_listener_scope_filters_other_ports_and_paths() -> None:
    assert audit([FIXTURES / "terraform" / "aws_partial"], "https://h/webhooks/").layers
    other_port = audit([FIXTURES / "terraform" / "aws_partial"], "https://h:8443/webhooks/")
    assert [layer.verdict.value for layer in other_port.layers] == []
    include = audit([FIXTURES / "nginx" / "include"], "http://hooks.example.com/webhooks/x")
    assert [layer.scope.split()[-1] for layer in include.layers] == ["/webhooks/"]


def test_discovery_skips_vcs_and_virtualenvs(tmp_path: Path) -> None:
    for hidden in (".git", "node_modules", "venv"):
        (tmp_path / hidden).mkdir()
        shutil.copy(FIXTURES / "apache" / "blocks.conf", tmp_path / hidden / "x.conf")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    assert audit([tmp_path], URL).layers == []
