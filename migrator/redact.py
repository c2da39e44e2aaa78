"""Redact secrets in text before it reaches any output (text, JSON, SARIF, Markdown, HTML).

Integration code under migration is full of credentials: VNI tokens that never expired,
Visma Connect client secrets, passwords in connection URLs. Findings, code context and
diffs quote that code, so every writer passes its strings through `redact` (or a whole
document through `redact_obj`). The rules prefer hiding a little too much over leaking:

* `Bearer <token>` / `Basic <credentials>` and raw `Authorization: <value>` headers;
* assignments whose key ends in password, passwd, pwd, secret, token, api_key/apikey,
  client_secret, access_token, refresh_token... in code (`k = "v"`), JSON/YAML (`"k": "v"`,
  `k: v`), .env files (`K=v`) and query strings (`?k=v&`);
* the password in `scheme://user:password@host` URLs;
* anything shaped like a JWT (`eyJ...`.`...`.`...`).

Code references stay readable: `token = get_token()`, `password=settings.DB_PASSWORD`,
`f"Bearer {token}"` and `${API_KEY}` are not secrets and are left alone.
"""

from __future__ import annotations

import re
from typing import Any

MARK = "[redacted]"

# a key naming a secret: it *ends* in one of these words (token_url and token_type do not)
_SECRET_WORD = r"(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|credentials?)"
_KEY = rf"[A-Za-z0-9_.-]*?{_SECRET_WORD}"
_SECRET_KEY_RE = re.compile(rf"^{_KEY}$", re.IGNORECASE)

# k = "v" / "k": "v" / k: 'v'  (quoted literal value)
_QUOTED_ASSIGN = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9_])(?P<kq>["']?){_KEY}(?P=kq)\s*(?::=|=>|[:=])\s*[rbuRBUfF]{{0,2}})"""
    r"""(?P<q>["'])(?P<value>(?:\\.|(?!(?P=q)).){1,4096}?)(?P=q)""",
    re.IGNORECASE,
)
# K=v / k: v / ?k=v&  (unquoted value: .env, YAML, INI, query strings, command lines)
_BARE_ASSIGN = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9_])(?P<key>{_KEY})\s*(?:=|:[ \t]+))"""
    r"""(?P<value>[^\s"'&,;#<>(){}\[\]`]+)(?P<after>[(\[]?)""",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(?P<head>(?:Bearer|Basic|Token)\s+)(?P<value>[A-Za-z0-9\-._~+/]{8,}=*)", re.IGNORECASE)
_AUTH_HEADER = re.compile(
    r"""(?P<head>\bAuthorization["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\b)(?P<value>[A-Za-z0-9\-._~+/]{12,}=*)""",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@\"'<>]*:)(?P<value>[^\s/@\"'<>]+)(?=@)")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")

# a cheap first pass: every pattern above needs one of these
_TRIGGER = re.compile(
    r"eyJ|@|bearer|basic|token|authorization|passw|pwd|secret|api[_-]?key|apikey|private[_-]?key|credential",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"^(?:\{.*\}|\$\{?[A-Za-z_][\w]*\}?|%\(?\w*\)?s|<[^>]*>|\*+|\[redacted\]|x+|\.\.\.)$", re.IGNORECASE)
_CODE_WORDS = {"none", "null", "nil", "true", "false", "undefined", "os", "self", "this", "env", "process"}
# `token: str | None` is a type annotation, not a secret
_TYPE_WORDS = {"str", "bytes", "int", "bool", "float", "dict", "list", "optional", "any", "secretstr", "typing.optional"}


def _is_placeholder(value: str) -> bool:
    return not value or bool(_PLACEHOLDER.match(value))


def _looks_like_code(value: str, after: str) -> bool:
    """A bare value that is a call, a subscript or a dotted attribute is code, not a secret."""
    if after:  # get_token(  /  os.environ[
        return True
    if value.lower() in _CODE_WORDS or value.lower() in _TYPE_WORDS:
        return True
    # settings.API_TOKEN, os.environ.get, config.password: dotted identifiers without digits-only parts
    return bool(re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", value)) and not _JWT.match(value)


def _sub_quoted(match: re.Match[str]) -> str:
    value = match.group("value")
    if _is_placeholder(value) or "{" in value and match.group("head").rstrip().endswith(("f", "F")):
        return match.group(0)
    return f"{match.group('head')}{match.group('q')}{MARK}{match.group('q')}"


def _sub_bare(match: re.Match[str]) -> str:
    value, after = match.group("value"), match.group("after")
    if value.startswith(("$", "%", "!")) or _is_placeholder(value) or _looks_like_code(value, after):  # !Ref: a YAML tag
        return match.group(0)
    if value.lower() == match.group("key").lower():  # token=token passes a variable along
        return match.group(0)
    return f"{match.group('head')}{MARK}{after}"


def _sub_value(match: re.Match[str]) -> str:
    return f"{match.group('head')}{MARK}"


def redact(text: str) -> str:
    """Return `text` with every secret it contains replaced by `[redacted]`."""
    if not text or not _TRIGGER.search(text):  # most strings hold no trigger word: skip the regexes
        return text
    if len(text) > 4096 and "\n" in text:
        # Every pattern is bounded by a line: redact only the lines that hold a trigger word,
        # which keeps a large diff or report fast.
        out: list[str] = []
        done = 0
        for match in _TRIGGER.finditer(text):
            if match.start() < done:
                continue
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            end = len(text) if end < 0 else end + 1
            out.append(text[done:start])
            out.append(_redact_line(text[start:end]))
            done = end
        out.append(text[done:])
        return "".join(out)
    return _redact_line(text)


def _redact_line(text: str) -> str:
    if "eyJ" in text:
        text = _JWT.sub(MARK, text)
    if "@" in text:
        text = _URL_PASSWORD.sub(_sub_value, text)
    text = _BEARER.sub(_sub_value, text)
    text = _AUTH_HEADER.sub(_sub_value, text)
    text = _QUOTED_ASSIGN.sub(_sub_quoted, text)
    text = _BARE_ASSIGN.sub(_sub_bare, text)
    return text


def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a secret (`client_secret`, `accessToken`, `DB_PASSWORD`...)."""
    return bool(_SECRET_KEY_RE.match(key.replace(" ", "_")))


def redact_obj(obj: Any) -> Any:
    """Deep copy of `obj` (dicts, lists, tuples, strings) with secrets redacted.

    Strings are passed through `redact`; a string value under a key that names a secret is
    replaced whole (`{"client_secret": "abc"}` -> `{"client_secret": "[redacted]"}`).
    """
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            new_key = redact(key) if isinstance(key, str) else key
            if isinstance(key, str) and isinstance(value, str) and value and is_secret_key(key):
                out[new_key] = MARK
            else:
                out[new_key] = redact_obj(value)
        return out
    if isinstance(obj, list):
        return [redact_obj(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(redact_obj(item) for item in obj)
    return obj
