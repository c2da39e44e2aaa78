"""IIS ipSecurity, HAProxy and host firewalls (iptables, ufw, nftables): verdicts, missing senders,
line numbers, manual lines, and safe fixes that re-audit to ALLOWS, are a fixpoint and leave every
other byte of the file alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.allowlist import apply_fixes, audit
from migrator.allowlist.model import Verdict
from migrator.codemods.webhook_allowlist import prefilter

from .conftest import FIXTURES

URL = "https://hooks.example.com/webhooks/visma"
ALL = ["18.202.121.26", "34.242.104.102", "54.220.26.45"]
LAST = ["54.220.26.45"]

# fixture, listener URL, [(verdict, missing, layer line)], safe fix expected
CASES = [
    ("iis/allows.config", URL, [("ALLOWS", [], 5)], False),
    ("iis/partial.config", URL, [("PARTIAL", LAST, 5)], True),
    ("iis/blocks_crlf.config", URL, [("BLOCKS", ALL, 6)], True),
    ("iis/allow_unlisted_trap.config", URL, [("NOT_RESTRICTING", [], 6)], False),
    ("iis/child_overrides_parent.config", URL, [("PARTIAL", LAST, 15)], True),
    ("iis/deny_first.config", URL, [("PARTIAL", LAST, 5)], False),
    ("haproxy/allows.cfg", URL, [("ALLOWS", [], 13)], False),
    ("haproxy/partial.cfg", URL, [("PARTIAL", LAST, 5)], True),
    ("haproxy/allow_then_deny_blocks.cfg", URL, [("BLOCKS", ALL, 5)], True),
    ("haproxy/tcp_partial.cfg", URL, [("PARTIAL", LAST, 6)], True),
    ("netfilter/rules.v4", URL, [("PARTIAL", LAST, 7)], False),
    ("netfilter/ipset_allows.rules", URL, [("ALLOWS", [], 2)], False),
    ("netfilter/iptables_blocks.sh", URL, [("BLOCKS", ALL, 2)], False),
    ("netfilter/user.rules", URL, [("PARTIAL", LAST, 9)], False),
    ("netfilter/ufw_setup.sh", URL, [("PARTIAL", LAST, 3)], False),
    ("netfilter/nftables.conf", URL, [("PARTIAL", LAST, 11)], False),
    ("netfilter/nft_allows.nft", URL, [("ALLOWS", [], 2)], False),
]


def _copy(fixture: str, tmp_path: Path) -> Path:
    source = FIXTURES / fixture
    for sibling in source.parent.glob("*.lst"):  # HAProxy pattern files travel with their config
        shutil.copy(sibling, tmp_path / sibling.name)
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target


@pytest.mark.parametrize(("fixture", "url", "expected", "fixable"), CASES, ids=[c[0] for c in CASES])
def test_verdicts_and_fix(fixture: str, url: str, expected: list, fixable: bool, tmp_path: Path) -> None:
    target = _copy(fixture, tmp_path)
    result = audit([target], url)
    assert not result.problems
    assert [(layer.verdict.value, layer.missing, layer.line) for layer in result.layers] == expected
    failing = [layer for layer in result.layers if layer.verdict in (Verdict.BLOCKS, Verdict.PARTIAL)]
    for layer in failing:
        assert layer.manual_lines, layer.scope
    assert any(layer.edits for layer in result.layers) is fixable

    fixed = apply_fixes(result)
    assert bool(fixed) is fixable
    for path, text in fixed.items():
        path.write_bytes(text.encode("utf-8"))
    after = audit([target], url)
    for before, now in zip(result.layers, after.layers):
        if before.edits:
            assert now.verdict is Verdict.ALLOWS, (now.scope, now.detail)
    assert apply_fixes(after) == {}


def _only_insertions(before: bytes, after: bytes, added: bytes) -> None:
    """`after` is `before` with exactly `added` inserted at one place."""
    assert len(after) == len(before) + len(added)
    cut = next(i for i in range(len(before)) if before[i] != after[i])
    assert after[:cut] + after[cut + len(added) :] == before


def test_iis_fix_keeps_crlf_tabs_and_closing_style(tmp_path: Path) -> None:
    target = _copy("iis/blocks_crlf.config", tmp_path)
    before = target.read_bytes()
    new = apply_fixes(audit([target], URL))[target].encode()
    added = b"".join(b'\t\t\t\t\t<add ipAddress="%s" allowed="true"/>\r\n' % ip.encode() for ip in ALL)
    _only_insertions(before, new, added)
    assert new.index(added) == before.index(b"\t\t\t\t</ipSecurity>")


def test_iis_fix_goes_into_the_child_block(tmp_path: Path) -> None:
    target = _copy("iis/child_overrides_parent.config", tmp_path)
    before = target.read_bytes()
    new = apply_fixes(audit([target], URL))[target].encode()
    added = b'          <add ipAddress="54.220.26.45" allowed="true" />\n'
    _only_insertions(before, new, added)
    assert new.splitlines()[18] == added.rstrip(b"\n")  # after line 18, the child's last <add>


def test_iis_allow_unlisted_trap_explains_itself() -> None:
    (layer,) = audit([FIXTURES / "iis" / "allow_unlisted_trap.config"], URL).layers
    assert layer.verdict is Verdict.NOT_RESTRICTING
    assert "allowUnlisted" in layer.detail


def test_iis_every_scope_without_a_listener_and_the_admin_location() -> None:
    path = FIXTURES / "iis" / "child_overrides_parent.config"
    result = audit([path], None, find_listener=False)
    assert [(layer.scope, layer.verdict.value, layer.missing) for layer in result.layers] == [
        ("ipSecurity", "ALLOWS", []),
        ('<location path="webhooks"> ipSecurity', "PARTIAL", LAST),
        ('<location path="admin"> ipSecurity', "BLOCKS", ALL),
    ]
    (admin,) = audit([path], "https://hooks.example.com/admin/x").layers
    assert admin.verdict is Verdict.BLOCKS
    (root,) = audit([path], "https://hooks.example.com/other").layers
    assert root.verdict is Verdict.ALLOWS


def test_iis_explicit_deny_first_stays_manual() -> None:
    (layer,) = audit([FIXTURES / "iis" / "deny_first.config"], URL).layers
    assert layer.edits == []
    assert layer.manual_lines == ['<add ipAddress="54.220.26.45" allowed="true" />']
    assert "denied by line 6" in layer.detail


def test_iis_refuses_entities(tmp_path: Path) -> None:
    bomb = tmp_path / "web.config"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<configuration><system.webServer><security>'
        '<ipSecurity allowUnlisted="false"><add ipAddress="&a;" allowed="true"/></ipSecurity>'
        "</security></system.webServer></configuration>\n"
    )
    result = audit([bomb], URL)
    assert result.layers == [] and len(result.problems) == 1 and "not parsed" in result.problems[0]


def test_haproxy_fix_appends_to_the_acl_line_before_its_comment(tmp_path: Path) -> None:
    target = _copy("haproxy/partial.cfg", tmp_path)
    before = target.read_bytes()
    new = apply_fixes(audit([target], URL))[target].encode()
    assert new == before.replace(b"34.242.104.102   #", b"34.242.104.102 54.220.26.45   #")


def test_haproxy_pattern_file_is_read_and_missing_file_is_unknown(tmp_path: Path) -> None:
    (layer,) = audit([FIXTURES / "haproxy" / "allows.cfg"], URL).layers
    assert layer.verdict is Verdict.ALLOWS
    alone = tmp_path / "haproxy.cfg"
    shutil.copy(FIXTURES / "haproxy" / "allows.cfg", alone)
    (layer,) = audit([alone], URL).layers
    assert layer.verdict is Verdict.UNKNOWN and "webhook_senders.lst" not in layer.missing


def test_haproxy_listener_scope() -> None:
    path = FIXTURES / "haproxy" / "tcp_partial.cfg"
    (other,) = audit([path], "https://hooks.example.com:8443/webhooks/").layers
    assert other.scope == "frontend fe_other tcp-request connection" and other.verdict is Verdict.BLOCKS
    assert [layer.manual_lines for layer in audit([path], URL).layers] == [["acl senders src 54.220.26.45"]]
    # a path ACL that does not cover the listener path: the deny rule does not apply
    (outside,) = audit([FIXTURES / "haproxy" / "partial.cfg"], "https://hooks.example.com/hooks/").layers
    assert outside.verdict is Verdict.ALLOWS


def test_netfilter_manual_lines_are_exact() -> None:
    def lines(name: str, url: str = URL) -> list[list[str]]:
        return [layer.manual_lines for layer in audit([FIXTURES / "netfilter" / name], url).layers]

    assert lines("rules.v4") == [["-A INPUT -s 54.220.26.45/32 -p tcp -m tcp --dport 443 -j ACCEPT"]]
    assert lines("iptables_blocks.sh")[0][0] == "iptables -A INPUT -s 18.202.121.26/32 -p tcp -m tcp --dport 443 -j ACCEPT"
    assert lines("user.rules") == [["-A ufw-user-input -s 54.220.26.45/32 -p tcp -m tcp --dport 443 -j ACCEPT"]]
    assert lines("ufw_setup.sh") == [["ufw insert 1 allow proto tcp from 54.220.26.45 to any port 443"]]
    assert lines("nftables.conf") == [["ip saddr { 54.220.26.45 } tcp dport 443 accept"]]


def test_netfilter_port_scope() -> None:
    (layer,) = audit([FIXTURES / "netfilter" / "iptables_blocks.sh"], "https://hooks.example.com:8443/webhooks/").layers
    assert layer.verdict is Verdict.ALLOWS
    (layer,) = audit([FIXTURES / "netfilter" / "nftables.conf"], "https://hooks.example.com:8443/webhooks/").layers
    # on 8443 only the multi-line anonymous set (54.220.26.45, 198.51.100.7) is accepted
    assert (layer.verdict, layer.missing) == (Verdict.PARTIAL, ["18.202.121.26", "34.242.104.102"])


def test_netfilter_user_chain_and_ipset() -> None:
    (layer,) = audit([FIXTURES / "netfilter" / "rules.v4"], URL).layers
    assert "denied by line 7" in layer.detail  # the INPUT DROP policy, after WEBHOOKS returns
    (layer,) = audit([FIXTURES / "netfilter" / "ipset_allows.rules"], URL).layers
    assert layer.verdict is Verdict.ALLOWS


@pytest.mark.parametrize(
    "fixture",
    ["iis/partial.config", "haproxy/partial.cfg", "netfilter/rules.v4", "netfilter/user.rules", "netfilter/nftables.conf"],
)
def test_scan_gate_lets_the_new_formats_through(fixture: str) -> None:
    path = FIXTURES / fixture
    assert prefilter(path, path.read_bytes().lower()) == ("allowlist",)


def test_scan_gate_keeps_unrelated_config_files_out(tmp_path: Path) -> None:
    config = tmp_path / "app.config"
    config.write_text('<configuration><appSettings><add key="allow" value="10.0.0.1"/></appSettings></configuration>\n')
    assert prefilter(config, config.read_bytes().lower()) == ()


def test_a_firewall_script_in_a_folder_is_found_by_scan(tmp_path: Path) -> None:
    """Shell scripts that run iptables are discovered in a directory walk, not only when named."""
    import json
    import subprocess
    import sys

    (tmp_path / "firewall.sh").write_text(
        "#!/bin/sh\niptables -P INPUT DROP\niptables -A INPUT -s 18.202.121.26 -p tcp --dport 443 -j ACCEPT\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "migrator", "scan", "--format", "json", "--listener-url", "https://hooks.example.com/w", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "VNI040"]
    assert finding["path"].endswith("firewall.sh") and "54.220.26.45" in finding["message"]
