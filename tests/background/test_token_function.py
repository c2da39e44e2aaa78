"""VNI020 passes the project's token function as `refresh_auth=`, only where that name means it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from migrator.codemods import KINDS
from migrator.engine import fix_text
from migrator.findings import Finding, FixSafety
from migrator.redact import redact
from migrator.rulefile import load_rules

RULES = [r for r in load_rules((), KINDS) if r.id == "VNI020"]
GL = "https://api.finance.visma.net/v1/generalLedgerTransactions"
TOKEN_FUNCTION = '''\
    def new_token():
        answer = requests.post("https://connect.visma.com/connect/token", data=FORM, timeout=30)
        return answer.json()["access_token"]
'''


def _fix(code: str, display: str = "t.py") -> tuple[str, Finding]:
    text = textwrap.dedent(code).lstrip("\n")
    out, found, _ = fix_text(display, text, RULES, True, {})
    again, _, _ = fix_text(display, out, RULES, True, {})
    assert again == out, "a second run changed the code"
    first = next(f for f in found if f.rule == "VNI020")
    return out, first


def _module(body: str) -> str:
    return "import requests\n" + textwrap.dedent(TOKEN_FUNCTION) + textwrap.dedent(body)


def test_the_modules_token_function_is_passed_as_refresh_auth() -> None:
    out, finding = _fix(_module(f'''
        def ledger():
            return requests.get("{GL}", params={{"pageSize": 500}}, timeout=300)
        '''))
    assert f'visma_background.call(requests.get, "{GL}", params={{"pageSize": 500}}, timeout=300, refresh_auth=new_token)' in out
    assert finding.extra["refresh_auth"] == "new_token"
    assert "passes refresh_auth=new_token" in finding.message and "new_token (line 2)" in finding.message
    assert redact(finding.message) == finding.message  # every output redacts: nothing in it may look like a secret


def test_a_token_url_held_in_a_constant_and_a_bearer_value_are_recognised() -> None:
    out, _ = _fix(f'''
        import requests

        TOKEN_URL = "https://connect.visma.com/connect/token"


        def bearer(scope="visma.net.erp.api"):
            body = requests.post(TOKEN_URL, data={{"scope": scope}}, timeout=30).json()
            token = body["access_token"]
            return f"Bearer {{token}}"


        r = requests.get("{GL}", timeout=300)
        ''')
    assert ", timeout=300, refresh_auth=bearer)" in out


def test_without_a_token_function_the_finding_says_how_a_job_outliving_the_token_fails() -> None:
    out, finding = _fix(f'import requests\nr = requests.get("{GL}", timeout=300)\n')
    assert "visma_background.call(requests.get" in out and "refresh_auth" not in out
    assert "refresh_auth" not in finding.extra
    assert "outlives the access token (60 minutes) gets a 401 while polling" in finding.message
    assert "(requests.HTTPError / httpx.HTTPStatusError) naming the job id" in finding.message
    assert "pass `refresh_auth=` a function that returns a new access token" in finding.message


def test_a_parameter_of_the_same_name_shadows_the_function_and_it_is_not_passed() -> None:
    out, finding = _fix(_module(f'''

        def ledger(new_token):
            return requests.get("{GL}", headers={{"Authorization": new_token}}, timeout=300)
        '''))
    assert "visma_background.call(requests.get" in out and "refresh_auth" not in out  # the wrap itself stays
    assert finding.fix is FixSafety.REVIEW and "refresh_auth" not in finding.extra
    assert finding.extra["refresh_auth_left_out"].startswith("`new_token` at the call is bound to something else (line 7)")
    assert "`refresh_auth=` NOT passed: `new_token` at the call is bound to something else" in finding.message
    assert "passes refresh_auth" not in finding.message and "naming the job id" in finding.message
    scanned = next(f for f in fix_text("t.py", textwrap.dedent(_module(f'''

        def ledger(new_token):
            return requests.get("{GL}", headers={{"Authorization": new_token}}, timeout=300)
        ''')), RULES, False, {})[1] if f.rule == "VNI020")
    assert scanned.message == finding.message  # scan says what fix does


def test_the_libcst_stage_checks_the_name_again_where_ast_cannot_tell() -> None:
    out, finding = _fix(_module(f'''

        def make():
            new_token = "a token of make(), seen through the class"

            class Ledger:
                def rows(self):
                    return requests.get("{GL}", headers={{"Authorization": new_token}}, timeout=300)

            return Ledger
        '''))
    assert "visma_background.call(requests.get" in out and "refresh_auth" not in out
    assert finding.extra["refresh_auth_left_out"] == (
        "`new_token` at the call is bound to something else (line 8), not only to the one on line 2")
    assert "`refresh_auth=` NOT passed" in finding.message and "passes refresh_auth" not in finding.message


def test_a_module_level_rebinding_shadows_the_function() -> None:
    out, finding = _fix(_module(f'''

        new_token = None
        r = requests.get("{GL}", timeout=300)
        '''))
    assert "refresh_auth" not in out
    assert "bound to something else (line 7)" in finding.message


def test_a_module_level_call_before_the_def_does_not_get_it() -> None:
    out, finding = _fix(f'import requests\nr = requests.get("{GL}", timeout=300)\n' + textwrap.dedent(TOKEN_FUNCTION))
    assert "refresh_auth" not in out
    assert "after the call, which runs at import time" in finding.message


def test_functions_that_do_not_fit_are_not_passed() -> None:
    for token_function in (
        # a required argument: the helper calls refresh_auth() with none
        'def new_token(client_id):\n    return requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]\n',
        # a cache hands back the expired token
        '@functools.cache\ndef new_token():\n    return requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]\n',
        # the helper calls it synchronously
        'async def new_token():\n    return requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]\n',
        # another identity provider
        'def new_token():\n    return requests.post("https://auth.example.com/connect/token", data=FORM).json()["access_token"]\n',
        # not the access token
        'def new_token():\n    return requests.post("https://connect.visma.com/connect/token", data=FORM).json()\n',
        # kept in a global: the same token again
        '_token = None\ndef new_token():\n    global _token\n    _token = _token or requests.post("https://connect.visma.com/connect/token").json()["access_token"]\n    return _token\n',
    ):
        code = f"import functools\nimport requests\n{token_function}\n\ndef ledger():\n    return requests.get(\"{GL}\", timeout=300)\n"
        out, finding = _fix(code)
        assert "visma_background.call(requests.get" in out and "refresh_auth" not in out, token_function
        assert "naming the job id" in finding.message


def test_two_token_functions_are_named_and_neither_is_passed() -> None:
    out, finding = _fix(_module(f'''

        def other_token():
            return requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]


        r = requests.get("{GL}", timeout=300)
        '''))
    assert "refresh_auth" not in out
    assert "several functions fetch a token (new_token (line 2), other_token (line 7))" in finding.message


def test_a_token_function_imported_from_the_package_is_passed(tmp_path: Path) -> None:
    package = tmp_path / "acme"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "auth.py").write_text("import requests\n" + textwrap.dedent(TOKEN_FUNCTION))
    jobs = package / "jobs.py"
    jobs.write_text(f'import requests\n\nfrom acme.auth import new_token as fresh\n\n\ndef rows():\n'
                    f'    return requests.get("{GL}", timeout=300)\n')
    relative = package / "relative.py"
    relative.write_text(f'import requests\n\nfrom .auth import new_token\n\nr = requests.get("{GL}", timeout=300)\n')
    out, finding = _fix(jobs.read_text(), str(jobs))
    assert ", timeout=300, refresh_auth=fresh)" in out
    assert "fresh (auth.py, line 2)" in finding.message
    out, _ = _fix(relative.read_text(), str(relative))
    assert ", timeout=300, refresh_auth=new_token)" in out


def test_the_argument_follows_the_calls_layout() -> None:
    out, _ = _fix("import httpx\n" + _module(f'''

        async def ledger(client: httpx.AsyncClient):
            response = await client.get(
                "{GL}",
                params={{"pageSize": 200}},  # one page
                timeout=300,
            )
            return response


        def journal(session: requests.Session):
            return session.get("{GL}", params={{"pageSize": 100}},
                               timeout=(5, 600))
        '''))
    assert '''
        params={"pageSize": 200},  # one page
        timeout=300,
        refresh_auth=new_token,
    )
''' in out  # one per line: a line of its own, before the trailing comma's `)`
    assert '''params={"pageSize": 100},
                                              timeout=(5, 600),
                                              refresh_auth=new_token)
''' in out  # aligned under the others
