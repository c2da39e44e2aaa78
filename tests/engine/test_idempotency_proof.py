"""Verification from the first pass: a fixed text whose edits are URL rewrites of string literals is
proved stable without a second analysis, and the proof never accepts what the second pass refuses.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from migrator import engine, urls
from migrator.codemods import KINDS
from migrator.engine import VerificationError, fix_pass, fix_text, fixing_rules, process_file, verify
from migrator.findings import Edit
from migrator.python.idempotency import _parses_as, proves_unchanged
from migrator.python.literals import Text
from migrator.rulefile import load_rules
from tests.robustness.test_property_engine import modules

RULES = load_rules((), KINDS)
ROOT = Path(__file__).resolve().parents[2]

SPLIT = '''\
import requests

BASE = "https://integration.visma.net/API"


class CustomerClient:
    base = "https://integration.visma.net/API"

    def list(self):
        return requests.get(self.base + "/controller/api/v1/customer")

    def get(self, key):
        return requests.get(f"{self.base}/controller/api/v1/customer/{key}")

    def since(self, when):
        return requests.get("%s/controller/api/v1/customer" % self.base, params={"since": when})


def export():
    return requests.get(BASE + "/controller/api/v1/inventory")
'''


def proved(code: str, unsafe: bool = False, rules: list = RULES) -> bool:
    first = fix_pass("t.py", code, rules, unsafe, {})
    assert first.new_text != code, "the example must need a fix"
    return proves_unchanged(first.context, first.findings, first.fixed, first.edits, fixing_rules(rules, unsafe), unsafe, first.new_text)


def second_pass_changes(code: str, unsafe: bool) -> bool:
    first = fix_pass("t.py", code, RULES, unsafe, {})
    again, _, _ = fix_text("t.py", first.new_text, fixing_rules(RULES, unsafe), unsafe, {})
    return again != first.new_text


def test_split_bases_and_paths_are_proved_without_a_second_analysis() -> None:
    assert proved(SPLIT)
    assert proved('import requests\nrequests.get("https://integration.visma.net/API/controller/api/v1/customer")\n')


def test_process_file_runs_no_second_analysis_when_proved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "client.py"
    path.write_text(SPLIT)
    calls: list[str] = []
    real = engine.fix_text
    monkeypatch.setattr(engine, "fix_text", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    result = process_file(path, "client.py", RULES, False, False)
    assert result.problem is None and result.new_text is not None and "api.finance.visma.net" in result.new_text
    assert calls == []  # the proof stood in for the second pass
    result = process_file(path, "client.py", RULES, True, False)  # review fixes too: other kinds edit
    assert result.problem is None and len(calls) == 1


def test_the_proof_refuses_what_the_second_pass_would_change(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mapping before it swallowed a doubled `/api`: one pass left `…/` + `api/v1/…`, which the
    # next pass read as a half-migrated URL. The full second pass refuses that file; so must the proof.
    monkeypatch.setattr(urls, "OLD_URL_RE", re.compile(
        r"(?P<origin>https?://integration\.visma\.net)(?P<segment>/api(?:/service)?/controller/api)(?=[/?#\"'\s*]|$)",
        re.IGNORECASE))
    code = 'import requests\nB0 = "https://integration.visma.net/API/controller/api/"\nrequests.get(B0 + "api/v1/customer")\n'
    assert second_pass_changes(code, False)
    assert not proved(code)
    first = fix_pass("t.py", code, RULES, False, {})
    with pytest.raises(VerificationError, match="second fix pass"):
        verify("t.py", first.new_text, RULES, False, {}, first)


def test_an_edited_dict_key_goes_to_the_second_pass() -> None:
    # a lookup by that key may find another entry once the key is rewritten
    code = ('import requests\nROUTES = {"https://integration.visma.net/API/controller/api/v1/x": 1}\n'
            'requests.get("https://integration.visma.net/API/controller/api/v1/x")\n')
    assert not proved(code)


def test_an_applicable_fix_left_unapplied_is_not_proved() -> None:
    code = 'import requests\nrequests.get("https://integration.visma.net/API/controller/api/v1/customer")\n'
    first = fix_pass("t.py", code, RULES, False, {})
    dropped = first.fixed[0]
    assert not proves_unchanged(first.context, first.findings, [], first.edits, fixing_rules(RULES, False), False, first.new_text)
    assert proves_unchanged(first.context, first.findings, [dropped], first.edits, fixing_rules(RULES, False), False, first.new_text)


def test_a_run_with_a_baseline_is_verified_the_slow_way() -> None:
    code = 'import requests\nrequests.get("https://integration.visma.net/API/controller/api/v1/customer")\n'
    settings = {"baseline": {"counts": {}, "folder": "."}}
    first = fix_pass("t.py", code, RULES, False, settings)
    assert first.new_text != code
    assert not proves_unchanged(first.context, first.findings, first.fixed, first.edits, fixing_rules(RULES, False), False, first.new_text)


def test_an_edit_outside_the_analysed_literals_is_not_proved() -> None:
    code = 'import requests\nrequests.get("https://integration.visma.net/API/controller/api/v1/customer")  # here\n'
    first = fix_pass("t.py", code, RULES, False, {})
    at = code.index("# here")
    stray = [*first.edits, Edit(at, at + 6, "# there")]
    assert proves_unchanged(first.context, first.findings, first.fixed, first.edits, fixing_rules(RULES, False), False, first.new_text)
    assert not proves_unchanged(first.context, first.findings, first.fixed, stray, fixing_rules(RULES, False), False, first.new_text)


def test_review_fixes_of_other_kinds_are_verified_the_slow_way() -> None:
    code = textwrap.dedent('''\
        import requests
        HEADERS = {"ipp-company-id": "1"}
        requests.get("https://integration.visma.net/API/controller/api/v1/customer", headers=HEADERS)
    ''')
    assert proved(code, unsafe=False)
    assert not proved(code, unsafe=True)  # the header removal (VNI033) is not a URL literal edit


def _python_files() -> list[Path]:
    return sorted(p for folder in ("tests/fixtures", "examples") for p in (ROOT / folder).rglob("*.py"))


def test_on_every_fixture_the_proof_agrees_with_the_second_pass() -> None:
    checked = 0
    for path in _python_files():
        try:
            code = path.read_text(encoding="utf-8")
            first = fix_pass("t.py", code, RULES, False, {})
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        if first.new_text == code:
            continue
        if proves_unchanged(first.context, first.findings, first.fixed, first.edits, fixing_rules(RULES, False), False, first.new_text):
            checked += 1
            ast.parse(first.new_text)  # the proof stands in for this parse too
            assert not second_pass_changes(code, False), path
    assert checked >= 5


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(modules())
def test_on_generated_modules_the_proof_agrees_with_the_second_pass(module: tuple[str, list[str]]) -> None:
    code, _ = module
    first = fix_pass("t.py", code, RULES, False, {})
    if first.new_text == code:
        return
    if proves_unchanged(first.context, first.findings, first.fixed, first.edits, fixing_rules(RULES, False), False, first.new_text):
        ast.parse(first.new_text)
        again, _, _ = fix_text("t.py", first.new_text, fixing_rules(RULES, False), False, {})
        assert again == first.new_text


def test_an_edited_literal_must_parse_alone_to_the_value_the_rewrite_meant() -> None:
    node = ast.parse('"a/b"', mode="eval").body
    pieces = [Text("a/b", [0, 1, 2, 3])]
    assert _parses_as(node, '"a"', "a", pieces)
    assert not _parses_as(node, '"a', "a", pieces)  # the closing quote lost
    assert not _parses_as(node, '"\\12"', "\x012", pieces)  # an octal escape took in the next digit
    assert not _parses_as(node, 'f"{a}"', "", pieces)  # another kind of literal
