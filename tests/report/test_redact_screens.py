"""The redactor's cheap screens decide exactly what the patterns they stand in for decide.

Each screen only saves time: a line it lets through still meets the full pattern, and a line it
stops must be one the pattern would not match. A screen that stopped a match would print a secret.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import redact
from migrator.output.redaction import _printable
from migrator.redact import MARK

# Pieces that make the screens' edge cases likely: the secret words, the signs and quotes between
# a word and its value, and the characters that re.IGNORECASE folds onto ASCII letters.
_PIECES = st.sampled_from([
    "password", "PassWord", "api_key", "apiKey", "subscription-key", "Signature", "credentials", "token",
    "pwd", "db_pass", "key_pass", "serviceKEY", "contraseña", "CONTRASEÑA", "secret", "tokens",
    "pa\u017fsword", "api_\u212aey", "\u0130", "\u0131", ":", "=", ":=", " ", "\t", "\u3000", "\\", '"', "'",
    "x", "1", "/", "{key}", "\n",
])
_TEXTS = st.lists(_PIECES, max_size=10).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_assigned_key_screen_is_the_pattern(text: str) -> None:
    assert redact._assigned_key(text) == (redact._ASSIGNED_KEY.search(text) is not None)


@pytest.mark.parametrize("text, expected", [
    ('password\\"  =', True),  # backslash, quote, spaces, then the sign
    ("password\\=", True),
    ("token\u3000:", True),  # any space str.isspace knows, as `\s` does
    ("pa\u017fsword=", True),  # the long s is an s to re.IGNORECASE
    ("tokens: the company", False),
    ("password x=", False),
])
def test_assigned_key_screen_cases(text: str, expected: bool) -> None:
    assert redact._assigned_key(text) is expected
    assert (redact._ASSIGNED_KEY.search(text) is not None) is expected


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_keyword_screen_never_stops_a_line_the_pattern_matches(text: str) -> None:
    redact.ensure_available()
    detector = redact._detector
    assert detector is not None
    if detector._screened_out(text):
        assert detector.keyword_screen.search(text) is None


def test_keyword_screen_stops_plain_report_lines() -> None:
    redact.ensure_available()
    detector = redact._detector
    assert detector is not None and detector.keyword_needles is not None
    line = "a.py:26:55: VNI033 Header ipp-company-id is not used with Visma Connect tokens: the tenant_id is sent"
    assert detector._screened_out(line)
    assert detector._screened_out("a.py:3:1: VNI002 https://api.finance.visma.net/v1/customer/{key}: both halves")
    assert not detector._screened_out("x = {'Api_Key': 'abc'}") and not detector._screened_out("APIKEY=1")
    assert not detector._screened_out("db_password = 'x'")
    assert not detector._screened_out("API_\u212aEY = 'x'")  # Kelvin sign: searched by the pattern itself


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["Bearer ", "ba\u017fic ", "TO\u212aEN ", "Authorization: ", "authori\u017fation=",
                                 "abcdefgh12345678", "x", " ", ":"]), max_size=8).map("".join))
def test_header_screens_never_stop_a_line_the_patterns_match(text: str) -> None:
    if not redact._may_hold(text, ("bearer", "basic", "token")):
        assert redact._BEARER.search(text) is None
    if not redact._may_hold(text, ("authorization",)):
        assert redact._AUTH_HEADER.search(text) is None


def test_secrets_behind_the_screens_are_still_redacted() -> None:
    assert redact.redact('{\\"password\\": \\"hunter2xyz\\"}') == '{\\"password\\": \\"[redacted]\\"}'
    assert MARK in redact.redact("pa\u017fsword = hunter2xyz")
    assert MARK in redact.redact('contraseña = "hunter2xyz"')
    assert redact.redact("Authorization: ba\u017fic dXNlcjpwYXNzd29yZA==") == f"Authorization: ba\u017fic {MARK}"


def test_printable_shows_lone_surrogates_and_passes_other_text() -> None:
    assert _printable("caf\u00e9 \u20ac") == "caf\u00e9 \u20ac"
    assert _printable("a\udcffb") == "a\\xffb"
