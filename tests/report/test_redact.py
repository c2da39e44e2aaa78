"""redact(): secrets out, code references kept."""

import pytest

from migrator.redact import MARK, redact, redact_obj


@pytest.mark.parametrize("before, after", [
    ('headers = {"Authorization": "Bearer abcDEF1234567890xyz"}', f'headers = {{"Authorization": "Bearer {MARK}"}}'),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", f"Authorization: Basic {MARK}"),
    ("Authorization: 0123456789abcdef0123", f"Authorization: {MARK}"),
    ('client_secret = "s3cr3t-Value-123"', f'client_secret = "{MARK}"'),
    ('data = {"client_secret": "s3cr3t", "grant_type": "client_credentials"}',
     f'data = {{"client_secret": "{MARK}", "grant_type": "client_credentials"}}'),
    ("CLIENT_SECRET=s3cr3tValue123", f"CLIENT_SECRET={MARK}"),
    ("url = 'https://x/token?client_secret=abcd1234&x=1'", f"url = 'https://x/token?client_secret={MARK}&x=1'"),
    ('"access_token": "eyJhbGciOi.eyJzdWIi.sig"', f'"access_token": "{MARK}"'),
    ('DB = "postgres://admin:hunter2@db:5432/x"', f'DB = "postgres://admin:{MARK}@db:5432/x"'),
    ("api_key: abcdef123", f"api_key: {MARK}"),
    ("password = 'pw1'", f"password = '{MARK}'"),
    ('x = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_x"', f'x = "{MARK}"'),
])
def test_secret_is_redacted(before: str, after: str) -> None:
    assert redact(before) == after


@pytest.mark.parametrize("code", [
    "token = get_token()",
    "password=settings.DB_PASSWORD",
    'headers["Authorization"] = f"Bearer {token}"',
    'token_url = "https://connect.visma.com/connect/token"',
    "export API_KEY=${API_KEY}",
    "self.password = password",
    "token=token",
    'access_token = resp.json()["access_token"]',
])
def test_code_reference_is_kept(code: str) -> None:
    assert redact(code) == code


def test_redact_obj_is_deep_and_replaces_values_under_secret_keys() -> None:
    data = {"client_secret": "abc", "nested": [{"msg": "Bearer abcdefghijklmnop"}], "n": 3, "t": ("password=x1",)}
    assert redact_obj(data) == {
        "client_secret": MARK, "nested": [{"msg": f"Bearer {MARK}"}], "n": 3, "t": (f"password={MARK}",)}
