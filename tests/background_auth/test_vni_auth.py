"""VNI032: the VNI OAuth flow: endpoints, the password grant, the `token` field."""

import textwrap

from tests.background_auth.helpers import fixed, found

TOKEN_URL = "https://integration.visma.net/API/security/api/v2/token"


def forms(code: str) -> list[tuple[str, int]]:
    return sorted((f.extra.get("form"), f.line) for f in found(code, "VNI032"))


def test_password_grant_dict_and_token_field() -> None:
    code = textwrap.dedent(f'''\
        import requests
        def login(user, password):
            response = requests.post(
                "{TOKEN_URL}",
                data={{"grant_type": "password", "username": user, "password": password}},
            )
            return response.json()["token"]
        ''')
    assert forms(code) == [("endpoint", 4), ("password-grant", 5), ("token-field", 7)]
    assert fixed(code, unsafe=True) == code


def test_token_field_through_a_body_variable_and_get() -> None:
    code = textwrap.dedent(f'''\
        import requests
        TOKEN_URL = "{TOKEN_URL}"
        def token(code):
            reply = requests.post(TOKEN_URL, data={{"grant_type": "authorization_code", "code": code}})
            body = reply.json()
            return body.get("token")
        ''')
    assert forms(code) == [("endpoint", 2), ("token-field", 6)]


def test_token_field_read_directly_from_the_call() -> None:
    code = f'import requests\nT = requests.post("{TOKEN_URL}", data=f).json()["token"]\n'
    assert ("token-field", 2) in forms(code)


def test_password_grant_payload_in_a_variable_sent_to_visma_connect() -> None:
    code = textwrap.dedent('''\
        import requests
        FORM = {"grant_type": "password", "username": "svc", "password": "x"}
        def token():
            return requests.post("https://connect.visma.com/connect/token", data=FORM).json()["access_token"]
        ''')
    assert forms(code) == [("password-grant", 2)]


def test_password_grant_as_a_form_string() -> None:
    code = f'import requests\nrequests.post("{TOKEN_URL}", data="grant_type=password&username=u&password=p")\n'
    assert ("password-grant", 2) in forms(code)


def test_oauthlib_fetch_token_with_a_password() -> None:
    code = f'from requests_oauthlib import OAuth2Session\nOAuth2Session(client=c).fetch_token("{TOKEN_URL}", username="u", password="p")\n'
    assert ("password-grant", 2) in forms(code)


def test_message_describes_visma_connect() -> None:
    (finding,) = found(f'U = "{TOKEN_URL}"\n', "VNI032")
    for part in ("connect.visma.com/connect/token", "client_credentials", "tenant_id", "vismanet_erp_service_api",
                 "authorization_code", "vismanet_erp_interactive_api", "offline_access", "expires_in"):
        assert part in finding.message, part


def test_token_field_of_an_unrelated_api_is_not_reported() -> None:
    code = textwrap.dedent('''\
        import requests
        def other(url):
            return requests.post("https://auth.example.com/token", data={"grant_type": "password"}).json()["token"]
        def session_token(url):
            return requests.get(url).json()["token"]
        ''')
    assert found(code, "VNI032") == []


def test_visma_connect_client_credentials_is_not_reported() -> None:
    code = textwrap.dedent('''\
        import requests
        def token():
            r = requests.post("https://connect.visma.com/connect/token", data={"grant_type": "client_credentials", "tenant_id": T})
            return r.json()["access_token"]
        ''')
    assert found(code, "VNI032") == []


def test_token_field_of_another_call_in_the_same_function_is_not_reported() -> None:
    code = textwrap.dedent(f'''\
        import requests
        def both():
            vni = requests.post("{TOKEN_URL}", data=form)
            other = requests.get("https://example.com/session")
            return other.json()["token"]
        ''')
    assert forms(code) == [("endpoint", 3)]
