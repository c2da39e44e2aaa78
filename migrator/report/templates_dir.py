"""Where the report templates live, in a checkout and in an installed package.

One copy: `reports/templates/*.j2` at the top of the repository. `migrator/report/templates`
is a symlink to it, and `pyproject.toml` ships `migrator.report` package data
`templates/*.j2`, so building a wheel copies the real files into the package. At run time
the loader looks in the package folder (the symlink in a checkout, the copied files when
installed) and, where symlinks are not checked out (a Windows clone turns them into small
text files), in the repository's `reports/templates`.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "reports" / "templates"


def template_dirs() -> list[Path]:
    """Template folders that exist, the package's first."""
    dirs = [d for d in (PACKAGE_TEMPLATES, REPO_TEMPLATES) if d.is_dir()]
    if not dirs:
        raise FileNotFoundError(f"report templates not found in {PACKAGE_TEMPLATES} or {REPO_TEMPLATES}")
    return dirs


def environment() -> jinja2.Environment:
    """A Jinja2 environment that escapes everything in HTML and fails on undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs()]),
        autoescape=True,  # every template is HTML-ish; .css/.js templates hold no data
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env
