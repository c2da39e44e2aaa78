"""The byte search that screens a tree (ripgrep), against reading every file in Python.

Screening may read fewer files, never find less: every kind's `prefilter` promises to tag no file
that holds none of its `SCREEN_NEEDLES`, and a scan gives the same document either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import bytesearch
from migrator.codemods import KINDS
from migrator.kind import Kind
from migrator.prefilter import EXACT, NEEDLES, is_candidate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_ripgrep_is_installed_with_the_package() -> None:
    # a core dependency on this platform: without it screening silently falls back to Python
    assert bytesearch.ripgrep() is not None


def test_search_is_case_insensitive_and_finds_utf16_and_odd_names(tmp_path: Path) -> None:
    plain = tmp_path / "a.py"
    plain.write_bytes(b'URL = "https://INTEGRATION.VISMA.NET/API"\n')
    utf16 = tmp_path / "web.config"
    utf16.write_bytes('\ufeff<add value="https://integration.visma.net/API/"/>'.encode("utf-16-le"))
    odd = tmp_path / os.fsdecode(b"caf\xe9 client.py")  # a name that is not UTF-8
    odd.write_bytes(b"x = 'Visma'\n")
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"\0\0\0visma\0")
    none = tmp_path / "none.py"
    none.write_bytes(b"print('hello')\n")
    paths = [str(p) for p in (plain, utf16, odd, binary, none)]
    found = bytesearch.search(paths, (b"visma", "visma".encode("utf-16-le")))
    assert found is not None
    assert found.holding == {str(plain), str(utf16), str(odd), str(binary)}
    assert found.unsure == set()


def test_search_names_the_files_it_could_not_read(tmp_path: Path) -> None:
    here = tmp_path / "here.py"
    here.write_text("visma\n")
    gone = tmp_path / "gone.py"  # removed between the walk and the search
    found = bytesearch.search([str(here), str(gone)], (b"visma",))
    assert found is not None and found.holding == {str(here)} and found.unsure == {str(gone)}


def test_search_splits_long_file_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bytesearch, "_ARGS_BYTES", 200)
    paths = []
    for i in range(40):
        path = tmp_path / f"module_{i:03d}.py"
        path.write_text("visma\n" if i % 3 == 0 else "nothing\n")
        paths.append(str(path))
    assert len(bytesearch._chunks(paths)) > 5
    found = bytesearch.search(paths, (b"visma",))
    assert found is not None and found.holding == {p for i, p in enumerate(paths) if i % 3 == 0}


def test_search_declines_what_it_cannot_carry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x\n")
    assert bytesearch.search([str(tmp_path / "a.py")], ("café".encode(),)) is None  # not ASCII
    monkeypatch.setenv(bytesearch.SCREEN_ENV, "python")
    assert bytesearch.search([str(tmp_path / "a.py")], (b"x",)) is None


def test_regex_metacharacters_in_needles_are_literal(tmp_path: Path) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text("allow 10.0.0.0/8;\n")
    other = tmp_path / "other.conf"
    other.write_text("-jXaccept\n")
    found = bytesearch.search([str(path), str(other)], (b"-j accept", b"@app.", b"path("))
    assert found is not None and found.holding == set()
    found = bytesearch.search([str(path), str(other)], (b"10.0.0.0/8", b"a.b(c)*"))
    assert found is not None and found.holding == {str(path)}


def _scan(path: Path, screen: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != bytesearch.SCREEN_ENV}
    if screen:
        env[bytesearch.SCREEN_ENV] = screen
    done = subprocess.run([sys.executable, "-m", "migrator", "scan", "--format", "json", str(path)], capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("tree", ["url_model", "integrations", "allowlist", "configfiles", "languages", "webhooks"])
def test_a_scan_is_the_same_with_and_without_ripgrep(tree: str) -> None:
    with_rg, without = _scan(FIXTURES / tree, None), _scan(FIXTURES / tree, "python")
    assert with_rg["findings"], "the fixtures hold findings"
    assert with_rg == without


# What the screens look for, whole and in pieces, so generated files often come close to a tag.
def _words() -> list[bytes]:
    words: set[bytes] = set(NEEDLES) | {b"api/v1/background", b"erp-api-background", b"erp_api_background",
                                        b"connect.visma.com", b"ipp-company-id", b"vni-migrate:"}
    for module in KINDS.values():
        typed = Kind.of(module)
        for needles in (typed.screen_needles, typed.python_screen_needles):
            words.update(needles or ())
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, tuple) and value and all(isinstance(v, bytes) for v in value):
                words.update(value)
            if isinstance(value, dict):
                words.update(w for v in value.values() if isinstance(v, tuple) for w in v if isinstance(w, bytes))
    return sorted(words | {b" ", b"\n", b"10.1.2.3", b"0.0.0.0/0", b"deny all", b"@app.route(", b"def ", b"="})


_WORDS = _words()
_PIECES = sorted({w[i:i + 4] for w in _WORDS for i in range(0, len(w), 2) if len(w) > 4})


_NAMES = ["client.py", "nginx.conf", "web.config", ".env", "app.json", "values.yaml", "main.tf", "Client.cs", "api.ts",
          "README.md", "run.ps1", "settings.ini", "pom.xml", "app.properties", "Main.java", "client.go", "index.php"]


@pytest.mark.parametrize("name", _NAMES)
@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(_WORDS) | st.sampled_from(_PIECES), max_size=12),
       upper=st.booleans())
def test_no_screen_tags_a_file_that_holds_none_of_its_needles(name: str, parts: list[bytes], upper: bool) -> None:
    raw = b"".join(parts)
    raw = raw.upper() if upper else raw
    lowered = raw.lower()
    path = Path("/project") / name
    python = name.endswith(".py")
    if is_candidate(raw, lowered):
        assert any(n in lowered for n in NEEDLES)
    assert EXACT.search(raw) is None or any(n in lowered for n in NEEDLES)
    for module in KINDS.values():
        typed = Kind.of(module)
        if typed.prefilter is None or (not python and not (typed.screens and typed.screens(path))):
            continue
        needles = typed.python_screen_needles if python else typed.screen_needles
        assert needles is not None, f"{typed.name} makes no promise"
        if list(typed.prefilter(path, lowered)):
            assert any(n in lowered for n in needles), (typed.name, name, raw)


def _promise_broken(name: str, raw: bytes) -> str | None:
    """The kind whose prefilter tags `raw` in a file called `name` without holding its needles."""
    lowered = raw.lower()
    path = Path("/project") / name
    python = name.endswith(".py")
    if python and EXACT.search(raw) and not any(n in lowered for n in NEEDLES):
        return "the parse candidate screen"
    for module in KINDS.values():
        typed = Kind.of(module)
        if typed.prefilter is None or (not python and not (typed.screens and typed.screens(path))):
            continue
        needles = (typed.python_screen_needles if python else typed.screen_needles) or ()
        if list(typed.prefilter(path, lowered)) and not any(n in lowered for n in needles):
            return typed.name
    return None


@pytest.mark.parametrize("name", _NAMES)
def test_no_pair_of_screen_words_breaks_a_promise(name: str) -> None:
    # every pair of the words the screens use, with an address after them (allowlists need one)
    broken = [(a, b) for a in _WORDS for b in _WORDS if _promise_broken(name, a + b" " + b + b" 10.1.2.3\n")]
    assert broken == []


def test_many_chunks_run_a_few_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bytesearch, "_ARGS_BYTES", 100)
    monkeypatch.setattr(bytesearch, "_SIDE_BY_SIDE", 2)
    started: list[int] = []
    real = bytesearch.subprocess.Popen

    class Counting(real):  # type: ignore[misc, valid-type]
        live = 0

        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            Counting.live += 1
            started.append(Counting.live)
            super().__init__(*args, **kwargs)

        def communicate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            out = super().communicate(*args, **kwargs)
            Counting.live -= 1
            return out

    monkeypatch.setattr(bytesearch.subprocess, "Popen", Counting)
    paths = []
    for i in range(30):
        path = tmp_path / f"m{i:02d}.py"
        path.write_text("visma\n" if i % 2 else "x\n")
        paths.append(str(path))
    found = bytesearch.search(paths, (b"visma",))
    assert found is not None and found.holding == {p for i, p in enumerate(paths) if i % 2}
    assert len(started) > 5 and max(started) <= 2


def test_a_program_that_is_not_the_ripgrep_we_know_leaves_every_file_to_the_reader(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "rg"
    fake.write_text("#!/bin/sh\necho 'rg: unrecognized flag --no-unicode' >&2\nexit 2\n")
    fake.chmod(0o755)
    monkeypatch.setattr(bytesearch, "ripgrep", lambda: str(fake))
    paths = [str(tmp_path / "a.py"), str(tmp_path / "b.py")]
    for path in paths:
        Path(path).write_text("visma\n")
    found = bytesearch.search(paths, (b"visma",))
    assert found is not None and found.holding == set() and found.unsure == set(paths)


def test_a_search_of_no_paths_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ripgrep handed no path searches the working folder: the search must not ask it to
    (tmp_path / "here.py").write_text("hook\n")
    monkeypatch.chdir(tmp_path)
    found = bytesearch.search([], (b"hook",))
    assert found is not None and found.holding == set() and found.unsure == set()


_NGINX = """http {
  server {
    listen 443;
    location /hooks/erp {
      allow 10.0.0.0/8;
      deny all;
    }
    location /admin {
      allow 10.0.0.0/8;
      deny all;
    }
  }
}
"""
_ROUTE = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/hooks/erp")\ndef erp_hook():\n    return "", 204\n'


def test_webhook_route_files_are_not_read_by_screening(tmp_path: Path) -> None:
    # "hook" is a common word (a tenth of the standard library holds it): the route files matter
    # only once an allowlist is found, so screening a tree reads none of them
    from migrator.runner import _may_hold, _to_read

    (tmp_path / "app.py").write_text(_ROUTE)
    hint_kinds = tuple(name for name, module in KINDS.items() if getattr(module, "prefilter", None) and Kind.of(module).language == "project")
    to_read = _to_read([(tmp_path / "app.py", "app.py")], hint_kinds)
    assert to_read and _may_hold(to_read) == []


@pytest.mark.parametrize("route", [True, False])
def test_the_listener_route_still_scopes_the_allowlist(tmp_path: Path, route: bool) -> None:
    (tmp_path / "nginx.conf").write_text(_NGINX)
    if route:
        (tmp_path / "app.py").write_text(_ROUTE)
    scopes = sorted(f["extra"]["layer"]["scope"] for f in _scan(tmp_path, None)["findings"] if f["rule"] == "VNI040")
    assert scopes == (["server _:443 location /hooks/erp"] if route else
                      ["server _:443 location /admin", "server _:443 location /hooks/erp"])


def test_many_needles_are_searched_in_groups_and_find_what_one_search_would(tmp_path: Path) -> None:
    needles = tuple(f"needle{i:02d}x".encode() for i in range(30)) + (b"visma", b"visma.net")
    groups = bytesearch._groups(needles)
    assert b"visma.net" not in {n for group in groups for n in group}  # found wherever "visma" is
    assert len(groups) == 3 and all(len(group) <= bytesearch._NEEDLES_PER_SEARCH for group in groups)
    paths = []
    for i, needle in enumerate((b"NEEDLE00X", b"needle17x", b"needle29x", b"Visma.Net", b"needle3")):
        path = tmp_path / f"f{i}.py"
        path.write_bytes(b"a\n" * 1000 + needle + b"\n")
        paths.append(str(path))
    found = bytesearch.search(paths, needles)
    assert found is not None and found.holding == set(paths[:4])
