"""Property: a Visma URL cut into two to four modules at random places joins correctly after the fix.

Integrations cut their URLs wherever their authors liked: before or after any slash. For every such
cut, across Python modules and across JavaScript (CommonJS) modules, after `fix --unsafe-fixes` the
program builds the API Management URL, or every piece that still holds part of the old gateway
carries a finding at its line. The program is run for real (Python, Node.js).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from migrator.runner import RunOptions, run
from migrator.urls import migrate_url

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="vni-hypothesis-"))
EXAMPLES = int(os.environ.get("VNI_SPLIT_EXAMPLES", "30"))

HOSTS = ["https://integration.visma.net", "https://INTEGRATION.visma.net"]
PREFIXES = ["/API/controller/api", "/API/service/controller/api"]
RESOURCES = ["/v1/customer", "/v1/customer/10001", "/v2/salesorder?status=Open", "/v1/background/abc/content", "/v1/account"]
URLS = st.builds(lambda h, p, r: h + p + r, st.sampled_from(HOSTS), st.sampled_from(PREFIXES), st.sampled_from(RESOURCES))


@st.composite
def cut_urls(draw: st.DrawFn) -> list[str]:
    url = draw(URLS)
    # places code cuts a URL: right before or right after a slash of the path (not inside the scheme)
    places = sorted({i for i, ch in enumerate(url) if ch == "/" and i > 8} | {i + 1 for i, ch in enumerate(url) if ch == "/" and i > 8})
    places = [p for p in places if 0 < p < len(url)]
    count = draw(st.integers(min_value=1, max_value=3))
    cuts = sorted(draw(st.sets(st.sampled_from(places), min_size=count, max_size=count)))
    bounds = [0, *cuts, len(url)]
    pieces = [url[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    # A bare `api` or `service` string is any other word to a reader of one file; code does not cut
    # a URL that way, and a tool that took every such word for a piece would stop real migrations.
    assume(not any(p.strip("/").lower() in ("api", "service") for p in pieces))
    return pieces


def _python_project(root: Path, pieces: list[str]) -> list[Path]:
    files = []
    for i, piece in enumerate(pieces):
        path = root / f"part{i}.py"
        path.write_text(f"P{i} = {piece!r}\n")
        files.append(path)
    imports = "".join(f"from part{i} import P{i}\n" for i in range(len(pieces)))
    (root / "main.py").write_text(imports + "print(" + " + ".join(f"P{i}" for i in range(len(pieces))) + ")\n")
    return files


def _js_project(root: Path, pieces: list[str]) -> list[Path]:
    files = []
    for i, piece in enumerate(pieces):
        path = root / f"part{i}.js"
        quoted = piece.replace("\\", "\\\\").replace("'", "\\'")
        path.write_text(f"module.exports = {{ P{i}: '{quoted}' }};\n")
        files.append(path)
    requires = "".join(f"const {{ P{i} }} = require('./part{i}');\n" for i in range(len(pieces)))
    (root / "main.js").write_text(requires + "console.log(" + " + ".join(f"P{i}" for i in range(len(pieces))) + ");\n")
    return files


def _check(pieces: list[str], make, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    url = "".join(pieces)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files = make(root, pieces)
        result = run([root], RunOptions(write=True, unsafe_fixes=True))
        built = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout.strip()
        if built == migrate_url(url):
            return
        again = run([root], RunOptions())
        flagged = {(Path(f.path).name, f.line) for f in again.findings}
        left = [p for p in files if any(s in p.read_text().lower() for s in ("visma.net", "controller", "/api"))]
        assert left and all((p.name, 1) in flagged for p in left), (
            f"{pieces} built {built} after the fix, and not every piece is reported: {result.findings}")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut_urls())
def test_python_modules_join_to_the_new_url(pieces: list[str]) -> None:
    _check(pieces, _python_project, [sys.executable, "main.py"])


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut_urls())
def test_javascript_modules_join_to_the_new_url(pieces: list[str]) -> None:
    _check(pieces, _js_project, ["node", "main.js"])
