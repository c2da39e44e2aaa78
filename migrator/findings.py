"""The one internal result model: findings, edits and per-file problems.

Every analyser (Python rules, config files, other languages, the allowlist audit) produces
`Finding` objects; every output format (text, JSON, SARIF, HTML) reads them. Machine formats
are a versioned contract, so fields here are only ever added, never renamed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

# Keys of `Finding.extra` that carry run state from one stage to the next (where the VNI020 helper
# module is written, as a real path), not results: machine output never carries them, so a saved
# report holds no absolute path of the machine that ran the scan (`helper_display` is relative).
RUN_STATE_EXTRA = frozenset({"helper_path"})


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FixSafety(str, Enum):
    """How a finding may be fixed: automatically, with `--unsafe-fixes`, or only by a person."""

    SAFE = "safe"
    REVIEW = "review"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)  # slots: a large run holds hundreds of thousands
class Edit:
    """Replace text[start:end] (character offsets into the decoded file text) with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(slots=True)  # slots: a large run holds hundreds of thousands
class Finding:
    rule: str
    severity: Severity
    fix: FixSafety
    path: str
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int
    message: str
    edits: tuple[Edit, ...] = ()
    suppressed: bool = False
    replacement: str | None = None  # suggested replacement text for the span, if any
    snippet: str = ""  # the source text of the span; used for stable fingerprints
    extra: dict[str, Any] = field(default_factory=dict)
    # Requests for the LibCST stage (migrator.structural): turned into `edits` only when fixed.
    structural: tuple[Any, ...] = ()

    @property
    def link(self) -> str | None:
        """Findings with the same link are halves of one cross-file fix: applied together or not at all."""
        if "link" in self.extra:
            return str(self.extra["link"])
        if "project_group" in self.extra:
            return f"{self.rule}:{self.extra['project_group']}"
        return None

    @property
    def fixable(self) -> bool:
        return bool(self.edits or self.structural) and self.fix is not FixSafety.MANUAL

    def fingerprint(self) -> str:
        """Stable across moved lines and reformatting: rule, path and whitespace-free snippet."""
        text = "".join((self.snippet or self.message).split())
        digest = hashlib.sha256(f"{self.rule}\0{self.path}\0{text}".encode()).hexdigest()
        return digest[:32]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "fix": self.fix.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "suppressed": self.suppressed,
            "fixable": self.fixable,
            "replacement": self.replacement,
            "fingerprint": self.fingerprint(),
        }
        extra = {key: value for key, value in self.extra.items() if key not in RUN_STATE_EXTRA}
        if extra:
            data["extra"] = extra
        return data


class Interner:
    """One copy of each distinct string the findings of a run hold. A large run keeps hundreds of
    thousands of findings to the end, and their messages, snippets and URLs repeat across files
    (the same endpoint, the same header): each arrives from a worker as a copy of its own."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return self._seen.setdefault(text, text)

    def findings(self, findings: list[Finding]) -> None:
        for finding in findings:
            finding.message = self(finding.message)
            finding.snippet = self(finding.snippet)
            finding.path = self(finding.path)
            if finding.replacement is not None:
                finding.replacement = self(finding.replacement)
            extra = finding.extra
            for key, value in extra.items():
                if isinstance(value, str):
                    extra[key] = self(value)
                elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                    value[:] = [self(item) for item in value]


@dataclass
class FileProblem:
    """A file the tool could not handle (unparseable, binary, unreadable...). It is left untouched."""

    path: str
    message: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
