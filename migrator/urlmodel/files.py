"""Which files the project-wide URL model reads, edits, or only reports on."""

from __future__ import annotations

import re
from pathlib import Path

from migrator.configfiles import format_for

CODE_SUFFIXES = (
    ".py", ".pyi", ".cs", ".php", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".java", ".go",
)
# Documentation and scripts: reported, never rewritten (their URLs are instructions for people or
# commands whose surroundings the tool cannot check).
REPORT_ONLY_SUFFIXES = (
    ".md", ".markdown", ".rst", ".txt", ".adoc", ".ps1", ".psm1", ".psd1", ".sh", ".bash", ".bat", ".cmd",
    ".http", ".rest", ".html", ".htm", ".vb", ".kt", ".rb", ".swift", ".scala", ".groovy", ".gradle",
)
NEEDLES = (b"visma.net", b"controller/api", b"resources/v1/", b"resources/oauth", b"security/api/")
MAX_BYTES = 5_000_000

_TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|spec|specs|testdata|test_?data)/|(?:^|/)test_[^/]*$|_test\.[^/]+$|"
    r"\.(?:test|spec)\.[^/]+$|(?:Tests?|Spec)\.(?:cs|java|php|kt)$",
    re.IGNORECASE,
)


def editable(path: Path) -> bool:
    """Code and configuration files: the model rewrites their pieces."""
    return path.name.endswith(CODE_SUFFIXES) or format_for(path) is not None


def report_only(path: Path) -> bool:
    return path.name.lower().endswith(REPORT_ONLY_SUFFIXES) and not editable(path)


def screens(path: Path) -> bool:
    return editable(path) or report_only(path)


def has_needle(lowered: bytes) -> bool:
    return any(needle in lowered for needle in NEEDLES)


def is_test_file(display: str) -> bool:
    """Test code: its expected URLs must move with the code under test, not ahead of it."""
    return _TEST_PATH.search(display.replace("\\", "/")) is not None
