"""Long Visma calls routed through the background API (rules VNI020 and VNI021).

- `visma_background.py`: the helper module written, unchanged, into the user's project;
- `http_calls.py`: the HTTP calls to Visma in one file (library, URL, endpoint, timeout, paging);
- `timings.py`: which endpoints are long according to the probe's JSON and the project's list;
- `placement.py`: where the helper goes and how a rewritten file imports it;
- `token_function.py`: the project's function that fetches a new token, passed as `refresh_auth=`;
- `rewrite.py`: the call-site edits.
"""

from __future__ import annotations

from pathlib import Path

HELPER_MODULE = "visma_background"
HELPER_FILE = f"{HELPER_MODULE}.py"


def helper_source() -> str:
    """The text of the helper module exactly as it is written into a project."""
    return (Path(__file__).with_name(HELPER_FILE)).read_text(encoding="utf-8")
