"""VNI034: host checks against integration.visma.net also accept api.finance.visma.net (review fix)."""

import re
from urllib.parse import urlparse

import pytest

from tests.background_auth.helpers import fixed, found

FIXED = {
    "set": ('HOSTS = {"integration.visma.net"}\n', 'HOSTS = {"integration.visma.net", "api.finance.visma.net"}\n'),
    "list beside other hosts": (
        'ALLOWED = ["connect.visma.com", "integration.visma.net"]\n',
        'ALLOWED = ["connect.visma.com", "integration.visma.net", "api.finance.visma.net"]\n',
    ),
    "tuple in an `in` test": (
        'def ok(h):\n    return h in ("integration.visma.net",)\n',
        'def ok(h):\n    return h in ("integration.visma.net", "api.finance.visma.net",)\n',
    ),
    "frozenset of origins": (
        "TRUSTED = frozenset({'https://integration.visma.net'})\n",
        "TRUSTED = frozenset({'https://integration.visma.net', 'https://api.finance.visma.net'})\n",
    ),
    "name used in `not in`": (
        'VISMA = ("integration.visma.net",)\ndef ok(h):\n    if h not in VISMA:\n        raise ValueError(h)\n',
        'VISMA = ("integration.visma.net", "api.finance.visma.net",)\ndef ok(h):\n    if h not in VISMA:\n        raise ValueError(h)\n',
    ),
    "==": (
        "def ok(loc):\n    return urlparse(loc).netloc == 'integration.visma.net'\n",
        "def ok(loc):\n    return (urlparse(loc).netloc == 'integration.visma.net' or urlparse(loc).netloc == 'api.finance.visma.net')\n",
    ),
    "== inside `and` keeps precedence": (
        'def ok(a, h):\n    return a and h == "integration.visma.net"\n',
        'def ok(a, h):\n    return a and (h == "integration.visma.net" or h == "api.finance.visma.net")\n',
    ),
    "!=": (
        'def check(h):\n    if h != "integration.visma.net":\n        raise ValueError(h)\n',
        'def check(h):\n    if (h != "integration.visma.net" and h != "api.finance.visma.net"):\n        raise ValueError(h)\n',
    ),
    "constant on the left": (
        'def ok(h):\n    return "integration.visma.net" == h\n',
        'def ok(h):\n    return ("integration.visma.net" == h or "api.finance.visma.net" == h)\n',
    ),
    "substring in": (
        'def ok(location):\n    return "integration.visma.net" in location\n',
        'def ok(location):\n    return ("integration.visma.net" in location or "api.finance.visma.net" in location)\n',
    ),
    "endswith": (
        'def ok(h):\n    return h.endswith(".integration.visma.net")\n',
        'def ok(h):\n    return h.endswith((".integration.visma.net", ".api.finance.visma.net"))\n',
    ),
    "startswith an origin": (
        'def ok(u):\n    return u.startswith("https://integration.visma.net/")\n',
        'def ok(u):\n    return u.startswith(("https://integration.visma.net/", "https://api.finance.visma.net/"))\n',
    ),
    "raw regex": (
        'import re\nR = re.compile(r"^https://integration\\.visma\\.net(/|$)")\n',
        'import re\nR = re.compile(r"^https://(?:integration\\.visma\\.net|api\\.finance\\.visma\\.net)(/|$)")\n',
    ),
    "plain-string regex": (
        'import re\nok = re.match("^https?://integration\\\\.visma\\\\.net/", loc)\n',
        'import re\nok = re.match("^https?://(?:integration\\\\.visma\\\\.net|api\\\\.finance\\\\.visma\\\\.net)/", loc)\n',
    ),
}


@pytest.mark.parametrize("name", FIXED)
def test_new_host_is_added_with_unsafe_fixes(name: str) -> None:
    before, after = FIXED[name]
    assert fixed(before, unsafe=True) == after
    assert fixed(before) == before
    findings = found(before, "VNI034")
    assert len(findings) == 1 and findings[0].fix.value == "review"
    assert not [f for f in found(before) if f.rule != "VNI034"]  # one rule per URL


def test_fixed_checks_accept_both_hosts() -> None:
    """Run the fixed code: the old host still passes and the new one passes too; others still fail."""
    for name in ("==", "!=", "substring in", "startswith an origin", "raw regex", "set", "endswith"):
        namespace: dict = {"urlparse": urlparse, "re": re}
        exec(FIXED[name][1], namespace)
        if name == "==":
            check = namespace["ok"]
            assert check("https://integration.visma.net/x") and check("https://api.finance.visma.net/x")
            assert not check("https://evil.example.com/x")
        elif name == "!=":
            namespace["check"]("api.finance.visma.net")
            with pytest.raises(ValueError):
                namespace["check"]("evil.example.com")
        elif name == "raw regex":
            assert namespace["R"].match("https://api.finance.visma.net/v1/background/1")
            assert not namespace["R"].match("https://api.finance.visma.net.evil.com/")
        elif name == "set":
            assert "api.finance.visma.net" in namespace["HOSTS"]
        elif name == "endswith":
            assert namespace["ok"]("x.api.finance.visma.net") and not namespace["ok"]("api.example.net")
        else:
            assert namespace["ok"]("https://api.finance.visma.net/v1/background/1")


UNCHANGED = {
    "already has the new host": 'HOSTS = {"integration.visma.net", "api.finance.visma.net"}\n',
    "other hosts only": 'HOSTS = {"example.com", "hooks.example.org"}\n',
    "any visma.net host": 'def ok(h):\n    return h.endswith(".visma.net")\n',
    "regex with a path is no host check": 'import re\nOLD = re.compile(r"https://integration\\.visma\\.net/API/controller/api")\n',
    "regex already with the new host": 'import re\nR = re.compile(r"^https://(integration|api\\.finance)\\.visma\\.net/")\n',
    "already or-ed": 'def ok(h):\n    return h == "integration.visma.net" or h == "api.finance.visma.net"\n',
    "list of URLs to call": 'for u in ["https://integration.visma.net/API/controller/api/v1/x"]:\n    pass\n',
    "a list that is not an allowlist": 'MIRRORS = ["integration.visma.net"]\nfor m in MIRRORS:\n    ping(m)\n',
    "comparison with another host": 'def ok(h):\n    return h == "connect.visma.com"\n',
}


@pytest.mark.parametrize("name", UNCHANGED)
def test_not_changed(name: str) -> None:
    code = UNCHANGED[name]
    assert found(code, "VNI034") == []
