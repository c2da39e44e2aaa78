"""The typed contract of a rule kind: every part of a kind module the engine uses, read once.

A kind module (`migrator/codemods/<name>.py`) is plain code with module-level names; `Kind.of`
turns it into one typed value, so the engine asks `kind.language` or `kind.prefilter` instead of
probing the module with getattr/hasattr at every call site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from migrator.codemods import KINDS
from migrator.findings import Finding
from migrator.rulefile import Rule

PER_FILE = "python"  # a kind that reads one Python file at a time (the default)
PROJECT = "project"  # a kind that reads the whole tree after the per-file phase


@dataclass(frozen=True)
class Kind:
    """One rule kind. `findings` runs per Python file, `project_findings` once per run (a per-file
    kind may have both); project kinds run in ascending `phase`."""

    name: str
    module: ModuleType
    language: str = PER_FILE
    phase: int = 0
    findings: Callable[[Any, Rule], list[Finding]] | None = None
    project_findings: Callable[[Any, Rule], Iterable[Finding]] | None = None
    validate_parameters: Callable[[dict[str, Any]], str | None] | None = None
    # the runner's cheap screening of a project kind: tags of a file from its lower-cased bytes,
    # for the files `screens` accepts
    prefilter: Callable[[Path, bytes], Iterable[str]] | None = None
    screens: Callable[[Path], bool] | None = None
    # lower-case bytes without which `prefilter` tags nothing (None: no such promise, read every
    # file), for other files and for Python files
    screen_needles: tuple[bytes, ...] | None = None
    python_screen_needles: tuple[bytes, ...] | None = None
    example_kinds: tuple[str, ...] = ()  # kinds whose rules this kind's rule-file examples run with
    # a promise: the kind's findings in a file do not change when the URL rewrites edit the file's
    # URL literals (none of which is a dict key or subscript); lets verification skip the kind
    # (`migrator.python.idempotency`)
    unchanged_by_url_edits: bool = False

    @property
    def per_file(self) -> bool:
        return self.language == PER_FILE

    @property
    def project_wide(self) -> bool:
        return self.language == PROJECT

    @staticmethod
    def of(module: ModuleType) -> Kind:
        """The typed view of a kind module (cached per module)."""
        return _of(module)


@cache
def _of(module: ModuleType) -> Kind:
    return Kind(
        name=module.KIND,
        module=module,
        language=getattr(module, "LANGUAGE", PER_FILE),
        phase=getattr(module, "PHASE", 0),
        findings=getattr(module, "findings", None),
        project_findings=getattr(module, "project_findings", None),
        validate_parameters=getattr(module, "validate_parameters", None),
        prefilter=getattr(module, "prefilter", None),
        screens=getattr(module, "screens", None),
        screen_needles=getattr(module, "SCREEN_NEEDLES", None),
        python_screen_needles=getattr(module, "PYTHON_SCREEN_NEEDLES", getattr(module, "SCREEN_NEEDLES", None)),
        example_kinds=tuple(getattr(module, "EXAMPLE_KINDS", ())),
        unchanged_by_url_edits=getattr(module, "UNCHANGED_BY_URL_EDITS", False),
    )


def kind_of(rule: Rule) -> Kind | None:
    """The kind that implements `rule`, or None for a kind no module defines."""
    module = KINDS.get(rule.kind)
    return Kind.of(module) if module is not None else None
