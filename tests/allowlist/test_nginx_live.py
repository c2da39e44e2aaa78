"""Ground truth: real nginx, inside network namespaces, must agree with the tool's verdicts.

For every nginx fixture: the tool's verdicts say which of the three senders get through; a request
from each sender address to a real nginx running that configuration must get 403 exactly for those
the tool says are missing — before `fix`, and again after the fix has been applied (then all pass).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.allowlist import apply_fixes, audit
from migrator.allowlist.model import Verdict
from migrator.allowlist.senders import SENDER_IPS

from .conftest import FIXTURES, PROXY_ADDR, Netns, Nginx

LISTENER = "http://hooks.example.com/webhooks/visma"
CASES = sorted(p.name for p in (FIXTURES / "nginx").iterdir() if p.is_dir())


def predicted_allowed(result) -> set[str] | None:
    """Senders the tool says get through every layer; None when the tool cannot decide."""
    allowed = set(SENDER_IPS)
    for layer in result.layers:
        if layer.verdict in (Verdict.UNKNOWN, Verdict.SEES_PROXY_IP):
            return None
        allowed -= set(layer.missing)
    return allowed


def observed_allowed(ns: Netns, conf: Path) -> set[str]:
    behind_proxy = "X-Forwarded-For" in conf.read_text()
    nginx = Nginx(ns, conf)
    nginx.start()
    try:
        allowed = set()
        for ip in SENDER_IPS:
            if behind_proxy:  # the load balancer connects; the sender is in X-Forwarded-For
                status = ns.request(PROXY_ADDR, "/webhooks/visma", "hooks.example.com", xff=ip)
            else:
                status = ns.request(ip, "/webhooks/visma", "hooks.example.com")
            assert status != 0, f"no answer from nginx for {ip}"
            if status != 403:
                allowed.add(ip)
        return allowed
    finally:
        nginx.stop()


@pytest.mark.parametrize("case", CASES)
def test_real_nginx_agrees_with_verdicts_before_and_after_fix(case: str, netns: Netns, tmp_path: Path) -> None:
    tree = tmp_path / case
    shutil.copytree(FIXTURES / "nginx" / case, tree)
    conf = tree / "nginx.conf"
    result = audit([tree], LISTENER)
    assert result.layers, "every nginx fixture has at least one restricting layer"
    predicted = predicted_allowed(result)
    if predicted is None:
        # the tool cannot decide: nginx cannot either, the configuration is not self-contained
        assert Nginx(netns, conf).test_config().returncode != 0
        return
    assert observed_allowed(netns, conf) == predicted

    fixes = apply_fixes(result)
    for path, text in fixes.items():
        path.write_bytes(text.encode("utf-8"))
    after = audit([tree], LISTENER)
    if fixes:
        assert {layer.verdict for layer in after.layers} <= {Verdict.ALLOWS, Verdict.NOT_RESTRICTING}
        assert apply_fixes(after) == {}, "a second fix run must change nothing"
    assert observed_allowed(netns, conf) == predicted_allowed(after)
