"""The webhook listener's scope (host, port, path): from `--listener-url` or the codebase's route."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# route registrations whose path mentions a hook: Flask/FastAPI/Starlette/Django/aiohttp
_ROUTE = re.compile(
    r"""\.?(?:route|get|post|put|api_route|add_url_rule|add_route|add_post|path|re_path)\(\s*r?["']"""
    r"""\^?(/?[^"'\s]*hook[^"'\s]*)["']""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Listener:
    host: str | None = None
    port: int | None = None
    path: str | None = None
    source: str = "unknown"  # where the scope came from, for the report

    def describe(self) -> str:
        if self.path is None and self.port is None and self.host is None:
            return "listener unknown (no webhook route found; pass --listener-url): every restricting rule is reported"
        parts = [self.host or "*", f":{self.port}" if self.port else "", self.path or "/"]
        return f"{''.join(parts)} (from {self.source})"


def from_url(url: str) -> Listener:
    """Parse `--listener-url`; raises ValueError with a one-line message when it is not a URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--listener-url {url!r}: expected http(s)://host[:port]/path")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Listener(parts.hostname.lower(), port, parts.path or "/", "--listener-url")


def find_route(python_files: list[tuple[Path, str]]) -> Listener:
    """The first webhook-looking route registered in the codebase (path only)."""
    for path, text in python_files:
        for match in _ROUTE.finditer(text):
            route = match.group(1)
            route = re.sub(r"[<{].*$", "", route)  # stop at path parameters: /webhooks/<name>
            route = route.rstrip("$")
            if not route.startswith("/"):
                route = "/" + route
            line = text.count("\n", 0, match.start()) + 1
            return Listener(None, None, route, f"route in {path}:{line}")
    return Listener()
