"""Which files of a project run the URL model and the residual check read.

The runner's screening tags files that hold one of a few cheap needles (`files.NEEDLES`); the
rarer pieces (`api/v1/...` paths, a string that is only `/API`) are looked for only in a project
that has such a candidate, so a tree without Visma code pays for five substring checks a file.
"""

from __future__ import annotations

from pathlib import Path

from migrator.urlmodel import files as model_files

TAGGING_KIND = "project-urls"  # the kind whose `prefilter` tags the candidates for both


def tag(path: Path, lowered: bytes) -> tuple[str, ...]:
    return ("candidate",) if model_files.has_needle(lowered) and model_files.screens(path) else ()


def candidates(ctx) -> list[tuple[Path, str]]:  # type: ignore[no-untyped-def]
    """Files that name a piece of the old gateway (code, configuration, documentation, scripts)."""
    return [(path, display) for path, display in ctx.files
            if model_files.screens(path) and ctx.tagged(TAGGING_KIND, "candidate", path, lambda: _has(path))]  # noqa: B023


def other_files(ctx, needles: tuple[bytes, ...], chosen: set[Path]) -> list[tuple[Path, str]]:  # type: ignore[no-untyped-def]
    """Editable files outside `chosen` whose text holds one of `needles` (read through the
    context's cache, so the kinds that ask share one read)."""
    out = []
    for path, display in ctx.files:
        if path in chosen or not model_files.editable(path):
            continue
        source = ctx.source(display, path)
        if source is not None and any(n.decode() in source.text.lower() for n in needles):
            out.append((path, display))
    return out


def _has(path: Path, needles: tuple[bytes, ...] = model_files.NEEDLES) -> bool:
    try:
        lowered = path.read_bytes()[: model_files.MAX_BYTES].lower()
    except OSError:
        return False
    return any(needle in lowered for needle in needles)
