"""Fingerprints that are unique per result and still stable when lines move."""

from __future__ import annotations

from typing import Any


def unique_fingerprints(findings: list[dict[str, Any]]) -> list[str]:
    """`fingerprint:n` for each finding (JSON form), n counting the findings before it (by position)
    that share its rule, path and code: the same code twice in a file gives `...:1` and `...:2`."""
    order = sorted(range(len(findings)), key=lambda i: (findings[i]["path"], findings[i]["line"], findings[i]["column"], findings[i]["rule"]))
    seen: dict[str, int] = {}
    out = [""] * len(findings)
    for i in order:
        base = findings[i]["fingerprint"]
        seen[base] = seen.get(base, 0) + 1
        out[i] = f"{base}:{seen[base]}"
    return out
