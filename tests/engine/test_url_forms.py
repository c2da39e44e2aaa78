"""Every URL form VNI001 rewrites (full URLs, split bases, f-strings, joins...): before/after pairs through the real engine."""

import textwrap
import urllib.parse

import pytest

from tests.engine.helpers import findings, fix

CASES = {
    "plain string": (
        'U = "https://integration.visma.net/API/controller/api/v1/customer"\n',
        'U = "https://api.finance.visma.net/v1/customer"\n',
    ),
    "implicit concatenation across the prefix": (
        'U = ("https://integration.visma.net/API/"\n     "controller/api/v1/customer")\n',
        'U = ("https://api.finance.visma.net/"\n     "v1/customer")\n',
    ),
    "f-string with the base as a name": (
        'BASE = "https://integration.visma.net/API"\ndef f(n):\n    return f"{BASE}/controller/api/v1/customer/{n}"\n',
        'BASE = "https://api.finance.visma.net"\ndef f(n):\n    return f"{BASE}/v1/customer/{n}"\n',
    ),
    "plus concatenation": (
        'BASE = "https://integration.visma.net/API/controller/"\nU = BASE + "api/v1/account"\n',
        'BASE = "https://api.finance.visma.net/"\nU = BASE + "v1/account"\n',
    ),
    "percent formatting": (
        'BASE = "https://integration.visma.net/API"\nU = "%s/controller/api/v2/salesorder" % BASE\n',
        'BASE = "https://api.finance.visma.net"\nU = "%s/v2/salesorder" % BASE\n',
    ),
    "str.format": (
        'BASE = "https://integration.visma.net/API"\nU = "{0}/controller/api/v1/x".format(BASE)\n',
        'BASE = "https://api.finance.visma.net"\nU = "{0}/v1/x".format(BASE)\n',
    ),
    "urljoin": (
        'from urllib.parse import urljoin\nR = "https://integration.visma.net/API/"\nU = urljoin(R, "controller/api/v1/x")\n',
        'from urllib.parse import urljoin\nR = "https://api.finance.visma.net/"\nU = urljoin(R, "v1/x")\n',
    ),
    "httpx client base_url": (
        'import httpx\nc = httpx.Client(base_url="https://integration.visma.net/API")\nr = c.get("/controller/api/v1/x")\n',
        'import httpx\nc = httpx.Client(base_url="https://api.finance.visma.net")\nr = c.get("/v1/x")\n',
    ),
    "httpx async client in a with block": (
        'import httpx\nasync def f():\n    async with httpx.AsyncClient(base_url="https://integration.visma.net/API/controller/") as c:\n        return await c.get("api/v1/background/7")\n',
        'import httpx\nasync def f():\n    async with httpx.AsyncClient(base_url="https://api.finance.visma.net/") as c:\n        return await c.get("v1/background/7")\n',
    ),
    "requests session with a base URL (requests_toolbelt)": (
        'from requests_toolbelt.sessions import BaseUrlSession\ns = BaseUrlSession(base_url="https://integration.visma.net/API/")\nr = s.get("controller/api/v1/x")\n',
        'from requests_toolbelt.sessions import BaseUrlSession\ns = BaseUrlSession(base_url="https://api.finance.visma.net/")\nr = s.get("v1/x")\n',
    ),
    "module constant with a full base": (
        'BASE = "https://integration.visma.net/API/controller/api/v1"\nU = BASE + "/customer"\n',
        'BASE = "https://api.finance.visma.net/v1"\nU = BASE + "/customer"\n',
    ),
    "class attribute through self": (
        'class C:\n    base = "https://integration.visma.net/API"\n    def u(self):\n        return self.base + "/controller/api/v1/x"\n',
        'class C:\n    base = "https://api.finance.visma.net"\n    def u(self):\n        return self.base + "/v1/x"\n',
    ),
    "property returning a base": (
        'class C:\n    @property\n    def url_base(self):\n        return "https://integration.visma.net/API"\n    def u(self):\n        return f"{self.url_base}/controller/api/v1/x"\n',
        'class C:\n    @property\n    def url_base(self):\n        return "https://api.finance.visma.net"\n    def u(self):\n        return f"{self.url_base}/v1/x"\n',
    ),
    "function default": (
        'def get(path="/controller/api/v1/x", base="https://integration.visma.net/API"):\n    return base + path\nget()\n',
        'def get(path="/v1/x", base="https://api.finance.visma.net"):\n    return base + path\nget()\n',
    ),
    "dict literal used as config": (
        'CFG = {"base": "https://integration.visma.net/API", "timeout": 30}\nU = CFG["base"] + "/controller/api/v1/x"\n',
        'CFG = {"base": "https://api.finance.visma.net", "timeout": 30}\nU = CFG["base"] + "/v1/x"\n',
    ),
    "service controller prefix": (
        'U = "https://integration.visma.net/API/service/controller/api/v1/x"\n',
        'U = "https://api.finance.visma.net/v1/x"\n',
    ),
    "background state path": (
        'BASE = "https://integration.visma.net/API/controller"\ndef s(i):\n    return BASE + f"/api/v1/background/{i}/content"\n',
        'BASE = "https://api.finance.visma.net"\ndef s(i):\n    return BASE + f"/v1/background/{i}/content"\n',
    ),
    "partial migration": (
        'U = "https://api.finance.visma.net/API/controller/api/v1/x"\n',
        'U = "https://api.finance.visma.net/v1/x"\n',
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_form_is_migrated(name: str) -> None:
    before, after = CASES[name]
    assert fix(before) == after


def test_getenv_default_is_a_review_fix_naming_the_variable() -> None:
    code = 'import os\nB = os.getenv("VISMA_BASE", "https://integration.visma.net/API")\nU = B + "/controller/api/v1/x"\n'
    assert fix(code) == code  # not safe: a deployment may set VISMA_BASE to the old base
    assert "https://api.finance.visma.net" in fix(code, unsafe=True)
    (finding,) = [f for f in findings(code) if f.rule == "VNI002"]
    assert finding.fix.value == "review"
    assert "VISMA_BASE" in finding.message


def test_joined_urls_evaluate_to_the_mapped_url() -> None:
    """Evaluate the migrated code: every built URL is the documented new URL."""
    code = textwrap.dedent(
        """
        from urllib.parse import urljoin
        BASE = "https://integration.visma.net/API"
        ROOT = "https://integration.visma.net/API/controller/"
        class C:
            base = "https://integration.visma.net/API/"
        URLS = [
            BASE + "/controller/api/v1/customer/1",
            f"{ROOT}api/v1/background/9/content",
            urljoin(C.base, "controller/api/v2/salesorder"),
            "%s/controller/api/v1/account" % BASE,
        ]
        """
    )
    old: dict = {}
    exec(compile(code, "old", "exec"), old)
    new: dict = {}
    exec(compile(fix(code), "new", "exec"), new)
    expected = [
        "https://api.finance.visma.net/v1/customer/1",
        "https://api.finance.visma.net/v1/background/9/content",
        "https://api.finance.visma.net/v2/salesorder",
        "https://api.finance.visma.net/v1/account",
    ]
    assert new["URLS"] == expected
    assert [u.replace("integration.visma.net/API/controller/api", "api.finance.visma.net") for u in old["URLS"]] == expected
    assert urllib.parse.urlsplit(new["URLS"][0]).netloc == "api.finance.visma.net"


@pytest.mark.parametrize(
    "code",
    [
        'U = "https://salesorder.visma.net/api/v1/salesorder"\n',
        'U = "https://journaltx.visma.net/api/v1/x"\n',
        'T = "https://connect.visma.com/connect/token"\n',
        'BASE = "https://example.com/API"\nU = BASE + "/controller/api/v1/x"\n',
        'import httpx\nc = httpx.Client(base_url="https://api.github.com")\nc.get("/api/v1/repos")\n',
        'from urllib.parse import urljoin\nU = urljoin("https://other.example/", "api/v1/background/1")\n',
        'U = "https://integration.visma.net/API/resources/v1/event"\n',
        'B = b"https://integration.visma.net/API/controller/api/v1/x"\n',
    ],
)
def test_must_not_change(code: str) -> None:
    assert fix(code, unsafe=True) == code


def test_base_used_elsewhere_is_only_a_review_fix() -> None:
    code = 'BASE = "https://integration.visma.net/API"\nU = BASE + "/controller/api/v1/x"\nprint(BASE)\n'
    assert fix(code) == code
    (finding,) = [f for f in findings(code) if f.rule == "VNI002"]
    assert finding.fix.value == "review" and "BASE" in finding.message


def test_base_without_known_paths_is_reported_not_changed() -> None:
    code = 'BASE = "https://integration.visma.net/API"\n'
    assert fix(code, unsafe=True) == code
    assert [f.fix.value for f in findings(code) if f.rule == "VNI002"] == ["manual"]


def test_path_joined_to_unknown_base_is_reported() -> None:
    code = 'from settings import BASE\nU = BASE + "/controller/api/v1/x"\n'
    assert fix(code, unsafe=True) == code
    (finding,) = [f for f in findings(code) if f.rule == "VNI002"]
    assert finding.fix.value == "manual" and "BASE" in finding.message


def test_comments_and_docstrings_change_only_with_unsafe_fixes() -> None:
    code = '"""See https://integration.visma.net/API/controller/api/v1/x."""\n# https://integration.visma.net/API/controller/api/v1/y\n'
    assert fix(code) == code
    assert fix(code, unsafe=True) == '"""See https://api.finance.visma.net/v1/x."""\n# https://api.finance.visma.net/v1/y\n'
    assert {f.rule for f in findings(code)} == {"VNI004"}


def test_escape_sequences_inside_the_removed_prefix_are_removed_with_it() -> None:
    code = 'U = "https://integration.visma.net/API/controller\\x2fapi/v1/x"\n'
    out = fix(code)
    namespace: dict = {}
    exec(out, namespace)
    assert namespace["U"] == "https://api.finance.visma.net/v1/x"
