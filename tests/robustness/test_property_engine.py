"""Property: for generated modules with Visma URLs in many syntactic positions, the engine never
crashes, its output parses, a second fix is a no-op, and no string that is not a Visma URL changes.

Modules are small (1-6 statements) so 2,000 examples run in well under a minute. Names are unique
per statement, so "foreign" statements (other hosts, plain text, VNI-looking paths joined to other
hosts) never share a value with Visma ones: every foreign string must survive byte for byte.
"""

from __future__ import annotations

import ast
import os
import tempfile
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from migrator.codemods import KINDS
from migrator.engine import VerificationError, fix_text, verify
from migrator.rulefile import load_rules

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="vni-hypothesis-"))  # keep .hypothesis out of the checkout
RULES = load_rules((), KINDS)
EXAMPLES = int(os.environ.get("VNI_PROPERTY_EXAMPLES", "2000"))

HEADER = "import requests\nimport httpx\nfrom urllib.parse import urljoin\n\nflag = True\ncid = 7\n\n"

OLD_HOSTS = ["https://integration.visma.net", "https://INTEGRATION.visma.net", "https://Integration.Visma.Net", "http://integration.visma.net"]
PREFIXES = ["/API/controller/api", "/api/controller/api", "/API/service/controller/api"]
RESOURCES = ["/v1/customer", "/v1/customer/123", "/v2/salesorder", "/v1/background/abc", "/v1/background/abc/content",
             "/v1/customerinvoice?pageNumber=1&pageSize=100", "/v1/account", ""]
VISMA_FULL = st.builds(lambda h, p, r: h + p + r, st.sampled_from(OLD_HOSTS), st.sampled_from(PREFIXES), st.sampled_from(RESOURCES))
VISMA_OTHER = st.sampled_from([
    "https://api.finance.visma.net/API/controller/api/v1/customer",  # partially migrated
    "https://integration.visma.net/API-index/",
    "https://api.finance.visma.net/v1/customer",  # already migrated
    "https://integration.visma.net/API/resources/v1/subscription",
])
VISMA_URL = st.one_of(VISMA_FULL, VISMA_OTHER)
VISMA_BASES = st.sampled_from([
    "https://integration.visma.net/API", "https://integration.visma.net/API/", "https://integration.visma.net/API/controller/",
    "https://integration.visma.net/API/controller/api", "https://integration.visma.net/API/controller/api/",
    "https://integration.visma.net/API/controller/api/v1", "https://integration.visma.net/API/controller/api/v1/",
])
VISMA_PATHS = st.sampled_from(["/controller/api/v1/customer", "controller/api/v1/customer", "api/v1/customer",
                               "/v1/customer", "v1/customer", "customer", "/customer/123"])

FOREIGN = st.sampled_from([
    "https://example.com/api/v1/customer", "https://salesorder.visma.net/api/v1/salesorder",
    "https://journaltx.visma.net/api/journaltransaction", "https://connect.visma.com/connect/token",
    "https://example.com/API/controller/api/v1/customer", "hello world", "", "api/v1/orders",
    "https://integration.visma.net.example.org/API/controller/api/v1/customer",
    "https://notintegration.visma.net/API/controller/api/v1/customer",
    "https://integration.example.net/API/controller/api/v1/customer",
])
FOREIGN_BASES = st.sampled_from(["https://example.com/API", "https://salesorder.visma.net/API/", "https://example.org/api/"])
# distinct from the Visma paths above, so a count of each value tells whether a foreign one changed
FOREIGN_PATHS = st.sampled_from(["/controller/api/v1/supplier", "api/v1/supplier", "/v1/supplier"])

QUOTES = st.sampled_from(['"', "'"])


def literal(value: str, quote: str, style: int) -> str:
    """Source text of a string expression with value `value` in one of several literal styles."""
    body = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    if style == 1 and len(value) > 12:  # implicit concatenation, split inside the URL
        cut = len(value) // 2
        return f"({literal(value[:cut], quote, 0)}\n    {literal(value[cut:], quote, 0)})"
    if style == 2:  # raw-free f-string with no fields
        return f"f{quote}{body.replace('{', '{{').replace('}', '}}')}{quote}"
    return f"{quote}{body}{quote}"


def expressions(values: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    """(source of an expression, the string value it holds)."""
    return st.builds(lambda v, q, s: (literal(v, q, s), v), values, QUOTES, st.integers(0, 2))


SINGLE = [
    "v{i} = {e}",
    "requests.get({e})",
    "requests.post({e}, json={{'a': 1}})",
    "httpx.get(url={e}, timeout=10)",
    "CONF{i} = {{'url': {e}, 'n': {i}}}",
    "L{i} = [{e}, 'x{i}']",
    "T{i} = ({e},)",
    "def f{i}(u={e}):\n    return u",
    "class C{i}:\n    URL = {e}\n\n    def get(self):\n        return requests.get(self.URL)",
    "def g{i}():\n    return {e}",
    "h{i} = lambda: {e}",
    "if flag:\n    print({e})",
    "t{i}: str = {e}",
    "x{i} = {e} if flag else None",
    "s{i} = requests.Session()\ns{i}.get({e})",
    "w{i} = {e}.format(cid)",
    "p{i} = {e} % ()",
    "while not flag:\n    requests.get({e})\n    break",
    "try:\n    r{i} = requests.get({e})\nexcept Exception:\n    r{i} = None",
    "for _ in range(1):\n    d{i} = dict(url={e})",
]
JOINED = [
    "B{i} = {b}\nrequests.get(B{i} + {p})",
    "B{i} = {b}\nu{i} = urljoin(B{i}, {p})",
    "B{i} = {b}\nc{i} = httpx.Client(base_url=B{i})\nc{i}.get({p})",
    "B{i} = {b}\nP{i} = {p}\nrequests.get(B{i} + P{i})",
    "class K{i}:\n    BASE = {b}\n\n    def list(self):\n        return requests.get(self.BASE + {p})",
    "def j{i}(base={b}):\n    return requests.get(base + {p})",
]


# A Visma value whose rewrite cannot be exact: formatted with a width or conversion spec. The value
# must survive unchanged (the finding says why), like a foreign one.
FORMATTED = [
    "W{i} = {e}\nfw{i} = '%-40sv1/customer' % W{i}",
    "W{i} = {e}\nfs{i} = f'{{W{i}:<40}}v1/customer'",
    "W{i} = {e}\nff{i} = '{{:>50}}v1'.format(W{i})",
    "W{i} = {e}\nfr{i} = f'{{W{i}!r}}'",
]
# Other syntax the analyses do not rewrite: bytes, and `+` chains longer than they follow.
OTHER = [
    "by{i} = b{q}{v}{q}",
    "lc{i} = {e} + " + " + ".join(["'/x'"] * 15),
]


@st.composite
def statements(draw: st.DrawFn, i: int) -> tuple[str, list[str]]:
    """(statement source, the string values it contains that must not change)."""
    if draw(st.integers(0, 7)) == 0:
        url = draw(VISMA_FULL)
        if draw(st.booleans()):
            url += f"#w{i}"  # unique: the count of this value tells whether it changed
            quote = draw(QUOTES)
            return draw(st.sampled_from(FORMATTED)).format(i=i, e=f"{quote}{url}{quote}"), [url]
        template = draw(st.sampled_from(OTHER))
        expr, _ = draw(expressions(st.just(url)))
        return template.format(i=i, e=expr, q='"', v=url), []
    foreign = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:  # a join of a base and a path
        template = draw(st.sampled_from(JOINED))
        base, base_value = draw(expressions(FOREIGN_BASES if foreign else VISMA_BASES))
        path, path_value = draw(expressions(FOREIGN_PATHS if foreign else VISMA_PATHS))
        return template.format(i=i, b=base, p=path), [base_value, path_value] if foreign else []
    kind = draw(st.integers(0, 9))
    if kind == 0:  # a comment or a docstring
        url = draw(FOREIGN if foreign else VISMA_URL)
        if draw(st.booleans()):
            return f"# see {url}\nc{i} = {i}", []
        return f'def doc{i}():\n    """Calls {url}."""\n    return {i}', [f"Calls {url}."] if foreign else []
    template = draw(st.sampled_from(SINGLE))
    expr, value = draw(expressions(FOREIGN if foreign else VISMA_URL))
    return template.format(i=i, e=expr), [value] if foreign else []


@st.composite
def modules(draw: st.DrawFn) -> tuple[str, list[str]]:
    count = draw(st.integers(1, 6))
    parts = [draw(statements(i)) for i in range(count)]
    return HEADER + "\n\n".join(p[0] for p in parts) + "\n", [v for p in parts for v in p[1]]


def engine_fix(code: str, unsafe: bool) -> str:
    """What `fix` writes: the fixed text if it passes the engine's verification, else the file untouched."""
    out, _, _ = fix_text("t.py", code, RULES, unsafe)  # never raises on valid Python
    if out == code:
        return out
    try:
        verify("t.py", out, RULES, unsafe)
    except VerificationError:
        return code  # reported as a problem, file left untouched
    return out


def strings(code: str) -> Counter[str]:
    """Every string value in the module (f-string pieces included)."""
    return Counter(node.value for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Constant) and isinstance(node.value, str))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(modules(), st.booleans())
def test_fixing_generated_modules_is_safe(module: tuple[str, list[str]], unsafe: bool) -> None:
    code, foreign = module
    ast.parse(code)  # the generator only makes valid Python
    out = engine_fix(code, unsafe)
    ast.parse(out)  # output parses
    assert engine_fix(out, unsafe) == out, "a second fix changed the code"
    before, after = strings(code), strings(out)
    for value in set(foreign):
        assert after[value] >= before[value], f"foreign string {value!r} changed"
    if not unsafe:  # safe fixes never touch comments
        assert [line for line in code.splitlines() if line.lstrip().startswith("#")] == [
            line for line in out.splitlines() if line.lstrip().startswith("#")
        ]


def test_split_join_with_a_doubled_api_segment_is_fixed_in_one_pass() -> None:
    """Found by the property above: base `.../API/controller/api/` + path `api/v1/customer` (a broken
    URL in the original: `.../api/api/v1/...`) used to need two passes. The mapping now swallows the
    doubled `/api`, so one pass gives the documented URL and a second pass changes nothing."""
    code = HEADER + 'B0 = "https://integration.visma.net/API/controller/api/"\nrequests.get(B0 + "api/v1/customer")\n'
    out, _, _ = fix_text("t.py", code, RULES, False)
    again, _, _ = fix_text("t.py", out, RULES, False)
    assert again == out
    assert 'B0 = "https://api.finance.visma.net/"' in out and 'B0 + "v1/customer"' in out
    assert engine_fix(code, False) == out
