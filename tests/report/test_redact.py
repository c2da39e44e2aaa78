"""redact(): secrets out, code references kept."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # Visma-specific and configuration forms
    ('APIM = {"Ocp-Apim-Subscription-Key": "0123456789abcdef"}', f'APIM = {{"Ocp-Apim-Subscription-Key": "{MARK}"}}'),
    ("Ocp-Apim-Subscription-Key: 0123456789abcdef", f"Ocp-Apim-Subscription-Key: {MARK}"),
    ('  <add key="ClientSecret" value="s3cr3tV4lue"/>', f'  <add key="ClientSecret" value="{MARK}"/>'),
    ('  <add key="VismaBaseUrl" value="https://api.finance.visma.net/"/>', '  <add key="VismaBaseUrl" value="https://api.finance.visma.net/"/>'),
    ("password = hunter2xyz", f"password = {MARK}"),
    ("db.password=hunter2xyz", f"db.password={MARK}"),
    ("DB_PASS=hunter2xyz", f"DB_PASS={MARK}"),
    ('SECRET_KEY = "django-insecure-abc123"', f'SECRET_KEY = "{MARK}"'),
    ('r = requests.get(u, auth=("svc", "pw12345"))', f'r = requests.get(u, auth=("svc", "{MARK}"))'),
    ("https://a.blob.core.windows.net/c?sv=2020&sig=AbCdEf123", f"https://a.blob.core.windows.net/c?sv=2020&sig={MARK}"),
    ("GET /v1/x?access_token=abc123&token=def456 HTTP/1.1", f"GET /v1/x?access_token={MARK}&token={MARK} HTTP/1.1"),
    ("grant_type=password&username=u&password=pw12345", f"grant_type=password&username=u&password={MARK}"),
    ("clientSecret: >-\n  s3cr3tF0lded\nnext: 1\n", f"clientSecret: >-\n  {MARK}\nnext: 1\n"),
    ('"text": "password = \\"pw1\\""', f'"text": "password = \\"{MARK}\\""'),  # inside serialized JSON, JSON stays valid
    # detect-secrets' format detectors, without any key word
    ('x = "AKIAQWERTYUIOPAS1234"', f'x = "{MARK}"'),
    ('x = "ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY0014"', f'x = "{MARK}"'),
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
    "password = get_password()",
    'access_token = resp.json()["access_token"]',
])
def test_code_reference_is_kept(code: str) -> None:
    assert redact(code) == code


def test_redact_obj_is_deep_and_replaces_values_under_secret_keys() -> None:
    data = {"client_secret": "abc", "nested": [{"msg": "Bearer abcdefghijklmnop"}], "n": 3, "t": ("password=x1",)}
    assert redact_obj(data) == {
        "client_secret": MARK, "nested": [{"msg": f"Bearer {MARK}"}], "n": 3, "t": (f"password={MARK}",)}


def test_a_value_learned_from_a_file_is_redacted_away_from_its_key() -> None:
    from migrator.redact import learn

    learn("visma:\n  clientSecret: >-\n    Fo1dedS3cretValue\n")
    assert redact("  4 |     Fo1dedS3cretValue") == f"  4 |     {MARK}"  # a context line without its key
    assert redact("<td>Fo1dedS3cretValue</td>") == f"<td>{MARK}</td>"


def test_environment_secrets_and_url_passwords_are_learned() -> None:
    from migrator.redact import learn_environment

    learn_environment({"VISMA_CLIENT_SECRET": "EnvS3cretValue9", "VISMA_TOKEN_URL": "https://u:UrlPassw0rd9@h/t", "PWD": "/work/x"}, [])
    assert redact("error: received client_id=x EnvS3cretValue9") == f"error: received client_id=x {MARK}"
    assert "UrlPassw0rd9" not in redact("connecting to h with UrlPassw0rd9")
    assert redact("/work/x/file.py") == "/work/x/file.py"


def test_a_url_under_a_secret_key_is_not_learned_as_a_secret() -> None:
    from migrator.redact import learn

    learn("token: https://connect.visma.com/connect/token\n")
    assert redact("POST https://connect.visma.com/connect/token") == "POST https://connect.visma.com/connect/token"


def test_the_combined_screen_keeps_each_detectors_case_flag() -> None:
    # Slack's detector is case-insensitive; joined into one screen without its flag, an upper-case
    # token passed the screen unseen
    assert "ABCDEFGHIJ" not in redact('notify("xoxb-1234-ABCDEFGHIJ")')
    assert "ABCDEFGHIJ" not in redact('HOOK = "https://hooks.slack.com/services/T0ABC/B0DEF/ABCDEFGHIJ"')


def test_the_shipped_format_patterns_are_those_of_the_installed_detect_secrets() -> None:
    import importlib.metadata
    import json

    from migrator import redact as module

    shipped = json.loads(module.FORMATS_FILE.read_text(encoding="utf-8"))
    live = module.detect_secrets_formats()
    assert module._installed_version() == importlib.metadata.version("detect-secrets")
    if shipped["detect_secrets"] != importlib.metadata.version("detect-secrets"):
        pytest.skip("another detect-secrets release is installed: the redactor reads it directly")
    assert [tuple(p) for p in shipped["patterns"]] == live, "run scripts/refresh_secret_formats.py"


def test_another_detect_secrets_release_is_read_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator import redact as module

    monkeypatch.setattr(module, "_installed_version", lambda: "0.0.1")
    assert module._formats("0.0.1") == module.detect_secrets_formats()
    detector = module._Detector()
    from detect_secrets.plugins import keyword

    assert detector.keyword_screen.pattern == "|".join(keyword.DENYLIST)


def test_the_shipped_keyword_list_is_the_installed_one() -> None:
    # the screen reads the shipped list so that a run imports the keyword detector only for a line
    # that may hold a keyword: a stale list would let a secret through unscreened
    import importlib.metadata

    from detect_secrets.plugins import keyword

    from migrator import redact as module

    shipped = module._shipped()
    if shipped["detect_secrets"] != importlib.metadata.version("detect-secrets"):
        pytest.skip("another detect-secrets release is installed: the redactor reads it directly")
    assert shipped["keyword_denylist"] == list(keyword.DENYLIST), "run scripts/refresh_secret_formats.py"
    assert module._Detector().keyword_screen.pattern == "|".join(keyword.DENYLIST)


def test_a_line_without_keywords_does_not_import_the_keyword_detector() -> None:
    import subprocess
    import sys

    code = ("import sys; from migrator import redact; "
            "print(redact.redact('a.py:1:2: VNI033 Header ipp-company-id: the tenant_id of the token {key}'));"
            "print('detect_secrets.plugins.keyword' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "a.py:1:2: VNI033 Header ipp-company-id: the tenant_id of the token {key}"
    assert out[1] == "False"


@pytest.mark.parametrize("root", ["examples/legacy-integration", "tests/fixtures/webhooks", "tests/fixtures/url_model"])
def test_the_tools_own_messages_pass_the_redaction_unchanged(root: str, fresh_redactor: None) -> None:
    # "Webhook signature: the migrated listener..." read as `signature: <value>` and lost a word
    from pathlib import Path

    from migrator.runner import RunOptions, run

    repo = Path(__file__).resolve().parents[2]
    findings = run([repo / root], RunOptions(jobs=1, unsafe_fixes=True)).findings
    assert findings
    assert [f.message for f in findings if redact(f.message) != f.message] == []


def test_a_long_write_is_redacted_in_pieces_exactly_as_it_is_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A report of hundreds of thousands of lines is redacted a megabyte at a time (fewer copies of
    it in memory); pieces end before a line in the first column, so a folded YAML secret is never
    cut from its key."""
    import io

    from migrator.output import redaction

    block = "clientSecret: >-\n  s3cr3tF0ldedValue\n  s3cr3tF0ldedMore\nnext: 1\n"
    text = "".join(f"m{i}.py:1:1 VNI001 password = 'pw{i:04d}x'\n" + (block if i % 7 == 0 else "") for i in range(200))
    whole = redact(text)
    assert "s3cr3tF0lded" not in whole and "pw0001x" not in whole
    for size in (1, 16, 100, 1000):
        monkeypatch.setattr(redaction, "_PIECE", size)
        assert len(list(redaction._pieces(text))) > 1
        sink = io.StringIO()
        stream = redaction.RedactingStream(sink)
        stream.write(text)
        stream.flush()
        assert sink.getvalue() == whole, size


def test_a_long_diff_is_redacted_on_every_line_that_repeats_a_secret() -> None:
    """Lines are remembered once redacted: a secret repeated on many lines of a long diff goes on
    every one of them, and the same line redacted again is the same."""
    hunk = "@@ -1,3 +1,3 @@\n password = 'Pw-1234secret'\n-old = 1\n+new = 1\n"
    text = "--- a/x.py\n+++ b/x.py\n" + hunk * 400
    out = redact(text)
    assert "Pw-1234secret" not in out and out.count("[redacted]") == 400
    assert redact(text) == out


def test_diff_hunk_headers_and_mail_addresses_skip_the_line_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a URL's password needs an `@` (scheme://user:password@host), so a long diff's hunk
    headers and e-mail addresses are not sent through every pattern; a URL password still is."""
    from migrator import redact as module

    seen: list[str] = []
    original = module._redact_line
    monkeypatch.setattr(module, "_LINE_CACHE", {}, raising=False)
    monkeypatch.setattr(module, "_redact_line", lambda line, found: seen.append(line) or original(line, found))
    filler = "".join(f"@@ -{i},3 +{i},3 @@ def f{i}():\n contact = 'ops{i}@example.com'\n" for i in range(300))
    out = redact(filler + "url = 'https://svc:Hunter2pass@host.example/x'\n")
    assert "Hunter2pass" not in out
    assert seen == ["url = 'https://svc:Hunter2pass@host.example/x'\n"]


def test_a_format_detector_runs_only_where_the_literal_its_matches_hold_stands() -> None:
    """A detector whose every match holds a literal (`AKC`, `hooks.slack.com`) is skipped over a
    text without it; the spans found are those found by running every detector."""
    import re

    from migrator import redact as module

    assert module._required_literal(re.compile(r'(?:\s|=|:|"|^)AKC[a-zA-Z0-9]{10,}(?:\s|"|$)')) == "AKC"
    folded = module._required_literal(re.compile(r"xox(?:a|b|p)-(?:\d+-)+[a-z0-9]+", re.IGNORECASE))
    assert isinstance(folded, re.Pattern) and folded.search("XOXB-1-a")
    assert module._required_literal(re.compile(r"\d{8,10}:[0-9A-Za-z_-]{35}")) is None
    # no literal of three, but two literals and a class every match holds, found by their literal start
    run = module._required_literal(re.compile(r'(?:\s|=|:|"|^)AP[\dABCDEF][a-zA-Z0-9]{8,}(?:\s|"|$)'))
    assert isinstance(run, re.Pattern) and run.pattern == r"AP[\dABCDEF]"
    assert run.search("x APC") and run.search("AP\u0663") and not run.search("API APP")  # \d: any decimal digit
    module.ensure_available()
    detector = module._detector
    assert detector is not None and sum(g is not None for g in detector.gates) > len(detector.gates) / 2
    samples = [" AKCp5abcdefghijk ", " AP6abcdefghij ", "XOXB-123-abc9", "https://hooks.slack.com/services/TABC/BDEF/xyz",
               "sk_live_" + "a" * 24, "ghp_" + "b" * 36, "https://u:" + "c" * 64 + "@h.cloudant.com", "x = 1"]
    gates = detector.gates
    # the second text holds a Kelvin sign: lower case would not show what re.IGNORECASE matches
    for text in ("\n".join(samples * 50), "\n".join(samples * 50) + "\nXO\u212aB x"):
        gated = detector.format_spans(text)
        assert len(gated) >= 7 * 50
        try:
            detector.gates = [None] * len(gates)
            assert sorted(detector.format_spans(text)) == sorted(gated)
        finally:
            detector.gates = gates


def test_a_text_learned_once_is_not_searched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project phase reads again the files the workers have learned: the digest is looked up
    before the text is searched, and a secret in it is still learned the first time."""
    from migrator import redact as module

    calls: list[int] = []
    original = module._has_trigger
    monkeypatch.setattr(module, "_has_trigger", lambda text: calls.append(1) or original(text), raising=False)
    text = "x = 1\n" * 2000 + "client_secret = 'Learned-0nce-Secret'\n"
    module.learn(text)
    module.learn(text)
    assert calls == [1]
    assert "Learned-0nce-Secret" not in redact("the value Learned-0nce-Secret, away from its key")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["password", "Token", "api_key", "secret", "sig", "x", "_", ".", "\\", "'", '"', " ", "\t",
                                 "=", ":", "=>", ":=", "abc123", "f", "{", "$"]), max_size=14))
def test_the_assignment_screen_holds_wherever_an_assignment_pattern_matches(parts: list[str]) -> None:
    from migrator import redact as module

    line = "".join(parts)
    if module._QUOTED_ASSIGN.search(line) or module._BARE_ASSIGN.search(line):
        assert module._ASSIGNED_KEY.search(line)


def test_the_keyword_detector_runs_only_on_lines_that_hold_one_of_its_own_words() -> None:
    """`key` alone (`{key}` in a URL, `key: str`) is none of detect-secrets' keywords: such lines
    skip the detector; `api_key = ...` and `contraseña = ...` still reach it and are redacted (the
    Spanish word is a trigger word too: before, nothing sent its line to the detector)."""
    from detect_secrets.plugins.keyword import DENYLIST

    from migrator import redact as module

    module.ensure_available()
    detector = module._detector
    assert detector is not None
    screen = detector.keyword_screen
    assert not screen.search("url = f'{base}/customer/{key}'  # key: str")
    assert all(screen.search(word.replace("_?", "_")) for word in DENYLIST)
    assert "Zq9v8w7u" not in redact("api_key = 'Zq9v8w7u'") and "S3creto" not in redact("contraseña = 'S3creto'")
