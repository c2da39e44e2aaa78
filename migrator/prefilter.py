"""The cheap check that keeps almost every file away from the parser.

Lower-casing once and testing a few literal needles is ~7x faster than one case-insensitive
regular expression with alternatives (Python's `re` has no multi-literal search), which matters
when a run reads a whole site-packages to find nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

# Each alternative of EXACT holds one of these (so a file without any is no candidate).
NEEDLES = (b"visma", b"controller/api", b"/background", b"api-background", b"api_background", b"ipp-company-id",
           b"ipp-application-type", b"vni-migrate:")
EXACT = re.compile(
    rb"visma\.net|connect\.visma\.com|controller/api|api/v\d+/background|erp[-_]api[-_]background|ipp-(?:company-id|application-type)|vni-migrate:",
    re.IGNORECASE,
)


def is_candidate(raw: bytes, lowered: bytes | None = None) -> bool:
    """True when the file may hold something a rule reports (`lowered`: raw.lower(), if at hand)."""
    if lowered is None:
        lowered = raw.lower()
    if not any(needle in lowered for needle in NEEDLES):
        return False
    return EXACT.search(raw) is not None


def file_has(path: Path, needles: tuple[bytes, ...], max_bytes: int) -> bool:
    """Whether the file (if not larger than `max_bytes`) holds one of the lower-case `needles`:
    the unscreened counterpart of a kind's `prefilter` (see `migrator.project.ProjectContext.tagged`)."""
    try:
        if path.stat().st_size > max_bytes:
            return False
        lowered = path.read_bytes().lower()
    except OSError:
        return False
    return any(needle in lowered for needle in needles)
