"""Custom header names for `subscription:name=value,...`: valid HTTP tokens that clash with nothing."""

from __future__ import annotations

import re

# RFC 9110 5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
# "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")

# Headers a webhook request already carries or that proxies and servers interpret themselves.
RESERVED = frozenset(
    {
        "accept", "accept-encoding", "authorization", "connection", "content-encoding", "content-length",
        "content-type", "cookie", "date", "expect", "forwarded", "host", "keep-alive", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "via", "x-forwarded-for",
        "x-forwarded-host", "x-forwarded-proto", "x-real-ip",
    }
)


def header_name(name: str) -> str:
    """The header that carries `name`: underscores become hyphens (nginx drops `_` headers by default)."""
    return name.replace("_", "-")


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a custom header name, or None."""
    if not TOKEN_RE.match(name):
        return f"{name!r} is not a valid HTTP header name (RFC 9110 token)"
    if name.lower() in RESERVED:
        return f"{name!r} would clash with the standard {name} header"
    return None


def value_problem(name: str, value: str) -> str | None:
    """Why a literal `value` cannot travel in `subscription:...` (commas and `=` split the pairs)."""
    for char, word in ((",", "a comma"), ("=", "an '='")):
        if char in value:
            return f"the value of {name} ({value!r}) contains {word}, which subscription:name=value,... cannot carry"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value) or not value.isascii():
        return f"the value of {name} ({value!r}) is not plain visible ASCII, which a header cannot carry as is"
    return None
