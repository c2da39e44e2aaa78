"""Rule kinds: one module per kind of codemod, each implementing the rules whose `kind` names it.

A kind module has `KIND` (the name used in rule files), `LANGUAGE`, optional
`validate_parameters(parameters) -> str | None`, and `findings(context, rule) -> list[Finding]`.
To add a kind, add a module here and list it in `KINDS`.
"""

from __future__ import annotations

from types import ModuleType

from migrator.codemods import (
    split_prefix,
    unused_suppression,
    url_mention,
    url_rewrite,
    webhook_allowlist,
)

KINDS: dict[str, ModuleType] = {
    module.KIND: module for module in (url_rewrite, split_prefix, url_mention, unused_suppression, webhook_allowlist)
}
