"""The one registry of output formats. Each format module registers its renderers with
`@output_format(name, subject)`; every command takes its `--format` choices from `choices(subject)`.

Subjects are what a renderer reads: "findings" (a scan or fix `RunResult`), "audit" (a saved
audit or scan document, for `vni-migrate report`), "allowlist" (an allowlist `AuditResult`) and
"config" (the effective configuration).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

# The format modules in the order their formats are offered (the first of a subject is its
# default). Every other module of this folder is imported too, so a new format is one new module
# with its `@output_format` decorator; it is offered after these.
FORMAT_MODULES = (
    "migrator.output.text",
    "migrator.output.json_format",
    "migrator.output.sarif",
    "migrator.output.github",
    "migrator.output.gitlab",
    "migrator.output.audit_formats",
    "migrator.output.allowlist_formats",
    "migrator.output.config_formats",
)


@dataclass
class RenderOptions:
    """What a renderer may need beyond its subject; formats ignore what does not apply to them."""

    colour: bool = False
    show_suppressed: bool = False
    mode: str = "scan"  # scan | fix | dry-run (fix --diff / --check: nothing written)
    findings: bool = True  # text: list the findings (False: only the summary)
    statistics: bool = False  # text: a count per rule instead of the findings
    show_explanations: bool = False  # text: each rule's long explanation, once
    quiet: bool = False  # text: findings only, no summary
    verbose: bool = False  # text: also the rules run and the configuration used
    root: Path | None = None  # the repository root that paths are made relative to (SARIF, GitLab)


# What a renderer returns: the whole text, or its pieces in order (a long report, written as made).
Renderer = Callable[[Any, "RenderOptions"], str | Iterable[str]]
R = TypeVar("R", bound=Renderer)


@dataclass(frozen=True)
class OutputFormat:
    name: str
    subject: str
    render: Renderer
    help: str


_FORMATS: dict[tuple[str, str], OutputFormat] = {}
_loaded = False


def output_format(name: str, subject: str, help: str) -> Callable[[R], R]:
    """Register `render(subject_value, options) -> str` (or an iterable of its pieces) as format `name` for `subject`."""

    def register(render: R) -> R:
        key = (subject, name)
        if key in _FORMATS and _FORMATS[key].render is not render:
            raise ValueError(f"output format {name!r} for {subject} registered twice")
        _FORMATS[key] = OutputFormat(name, subject, render, help)
        return render

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in FORMAT_MODULES:
            importlib.import_module(module)
        folder = importlib.import_module(__package__ or "migrator.output")
        for info in sorted(pkgutil.iter_modules(folder.__path__), key=lambda info: info.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{folder.__name__}.{info.name}")
        _loaded = True


def _ordered(subject: str) -> list[OutputFormat]:
    """The formats of `subject` in FORMAT_MODULES order (whoever imported a module first), then in
    the order each module registers them."""
    _load()
    formats = [fmt for (subj, _), fmt in _FORMATS.items() if subj == subject]
    rank = {module: i for i, module in enumerate(FORMAT_MODULES)}
    return sorted(formats, key=lambda fmt: rank.get(fmt.render.__module__, len(rank)))


def choices(subject: str) -> list[str]:
    """The format names for `subject` (the first is the default)."""
    return [fmt.name for fmt in _ordered(subject)]


def get(subject: str, name: str) -> OutputFormat:
    """The registered format; KeyError names the choices."""
    _load()
    try:
        return _FORMATS[(subject, name)]
    except KeyError:
        raise KeyError(f"unknown {subject} format {name!r} (choose from {', '.join(choices(subject))})") from None


def render(subject: str, name: str, value: Any, options: RenderOptions | None = None) -> str:
    """Render `value` in format `name`."""
    return "".join(pieces(subject, name, value, options))


def pieces(subject: str, name: str, value: Any, options: RenderOptions | None = None) -> Iterator[str]:
    """Render `value` in format `name`, in the pieces the format makes: a renderer returns one
    string, or yields pieces of a long report so that it can be written as it is made."""
    rendered = get(subject, name).render(value, options or RenderOptions())
    if isinstance(rendered, str):
        yield rendered
    else:
        yield from rendered


def formats_help(subject: str) -> str:
    """One line per format for a command's --help."""
    return "; ".join(f"{fmt.name}: {fmt.help}" for fmt in _ordered(subject))
