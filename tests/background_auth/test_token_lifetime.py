"""VNI035: a Visma Connect token fetched once and kept forever."""

import textwrap

import pytest

from tests.background_auth.helpers import found

POST = 'requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]'

REPORTED = {
    "module level": f"import requests\nTOKEN = {POST}\n",
    "functools.cache": f"import functools\nimport requests\n@functools.cache\ndef token():\n    return {POST}\n",
    "lru_cache imported by name": f"from functools import lru_cache\nimport requests\n@lru_cache(maxsize=None)\ndef token():\n    return {POST}\n",
    "cached_property": f"from functools import cached_property\nimport requests\nclass C:\n    @cached_property\n    def token(self):\n        return {POST}\n",
    "global set once": textwrap.dedent(f"""\
        import requests
        _TOKEN = None
        def token():
            global _TOKEN
            if _TOKEN is None:
                _TOKEN = {POST}
            return _TOKEN
        """),
    "attribute set once": textwrap.dedent(f"""\
        import requests
        class Client:
            def token(self):
                if not self._token:
                    self._token = {POST}
                return self._token
        """),
    "function called at import": f"import requests\ndef get_token():\n    return {POST}\nACCESS = get_token()\n",
    "token URL through a constant": textwrap.dedent("""\
        import functools
        import requests
        URL = "https://connect.visma.com/connect/token"
        @functools.cache
        def token():
            return requests.post(URL, data=FORM).json()["access_token"]
        """),
}


@pytest.mark.parametrize("name", REPORTED)
def test_token_kept_forever_is_reported(name: str) -> None:
    findings = found(REPORTED[name], "VNI035")
    assert len(findings) == 1
    assert findings[0].severity.value == "warning" and findings[0].fix.value == "manual"
    assert "expire" in findings[0].message and "401" in findings[0].message


UNCHANGED = {
    "fetched per call": f"import requests\ndef token():\n    return {POST}\n",
    "expiry tracked": textwrap.dedent("""\
        import time
        import requests
        _t = None
        _expires_at = 0.0
        def token():
            global _t, _expires_at
            if _t is None or time.time() > _expires_at:
                body = requests.post("https://connect.visma.com/connect/token", data=FORM).json()
                _t, _expires_at = body["access_token"], time.time() + body["expires_in"]
            return _t
        """),
    "cache cleared on 401": textwrap.dedent(f"""\
        import functools
        import requests
        @functools.cache
        def token():
            return {POST}
        def call(url):
            r = requests.get(url, headers={{"Authorization": "Bearer " + token()}})
            if r.status_code == 401:
                token.cache_clear()
            return r
        """),
    "another identity provider": "import functools\nimport requests\n@functools.cache\ndef token():\n"
    '    return requests.post("https://auth.example.com/connect/token", data=FORM).json()["access_token"]\n',
    "under __main__": f'import requests\nif __name__ == "__main__":\n    print({POST})\n',
}


@pytest.mark.parametrize("name", UNCHANGED)
def test_not_reported(name: str) -> None:
    assert found(UNCHANGED[name], "VNI035") == []
