"""Rule kinds: one module per kind of codemod, each implementing the rules whose `kind` names it.

A kind module defines `KIND` (the name rule files use), `LANGUAGE` ("python", the default, for a
per-file kind; "project" for one that reads the whole tree), `findings(context, rule)` (per-file)
or `project_findings(project_context, rule)` (project-wide, a per-file kind may have both), and
optionally `validate_parameters(parameters) -> str | None`, `PHASE` (project kinds run in
ascending phase, default 0), `prefilter(path, lowered_bytes) -> tags` with `screens(path)` (the
runner's cheap screening for a project kind) and `SCREEN_NEEDLES` (lower-case bytes without one
of which `prefilter` tags nothing: files holding none are never read; `PYTHON_SCREEN_NEEDLES`
for Python files, if they differ) and `EXAMPLE_KINDS` (kinds whose rules its rule-file
examples run with). `KINDS` finds every module in this folder that defines `KIND`: to add a kind,
add one module here.
"""

from __future__ import annotations

from migrator.registry import ModuleRegistry

KINDS = ModuleRegistry("migrator.codemods", "KIND")
