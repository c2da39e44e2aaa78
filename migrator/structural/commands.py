"""vni-migrate's Python rules as LibCST codemod commands, for `python -m libcst.tool codemod`.

    python -m libcst.tool codemod --no-format commands.LongCallCommand src/      # VNI020 only
    python -m libcst.tool codemod --no-format commands.MigrateCommand src/       # every per-file Python rule

(with the `.libcst.codemod.yaml` from docs/libcst/ in the project root; see docs/libcst-codemods.md).
Each command runs the same engine as `vni-migrate fix` on one module: the same analysis, the same
edits (structural ones through the LibCST stage), the same verification (the result must parse
and a second pass must change nothing). Review fixes are applied, as with `--unsafe-fixes`:
naming a codemod is the decision to apply it; `--safe-only` keeps to safe fixes. Findings that
stay (manual steps, refused rewrites) are printed as codemod warnings. Project-wide rules (VNI005,
VNI011: a sender and its listener in two files) need the whole tree: run `vni-migrate fix`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile


class RuleCodemodCommand(CodemodCommand):
    """Base: apply the rules `RULE_IDS` (empty: every per-file Python rule) to one module."""

    DESCRIPTION = "Apply vni-migrate rules to a module."
    RULE_IDS: tuple[str, ...] = ()

    def __init__(self, context: CodemodContext, safe_only: bool = False) -> None:
        super().__init__(context)
        self.safe_only = safe_only

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--safe-only", action="store_true", default=False,
                                help="apply safe fixes only (default: review fixes too, as --unsafe-fixes)")

    def _rules(self) -> list[Any]:
        from migrator.codemods import KINDS
        from migrator.rulefile import load_rules

        rules = [r for r in load_rules((), KINDS) if getattr(KINDS.get(r.kind), "LANGUAGE", "python") == "python"]
        if self.RULE_IDS:
            rules = [r for r in rules if r.id in self.RULE_IDS]
        return rules

    def _settings(self, display: str) -> dict[str, Any]:
        """The project's `[tool.vni-migrate]` values (e.g. its background list), as `fix` reads them."""
        from migrator.config import ConfigError, apply_to_options, load_config
        from migrator.runner import RunOptions

        try:
            values, _ = load_config([Path(display)])
        except (ConfigError, OSError) as exc:
            self.warn(f"vni-migrate configuration not read: {exc}")
            return {}
        return apply_to_options(values, RunOptions()).settings

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        from migrator.engine import VerificationError, fix_text, verify

        display = self.context.filename or "module.py"
        rules = self._rules()
        settings = self._settings(display)
        unsafe = not self.safe_only
        text = tree.code
        new_text, findings, fixed = fix_text(display, text, rules, unsafe, settings)
        for finding in findings:
            if finding not in fixed and not finding.suppressed:
                self.warn(f"{finding.rule} line {finding.line}: {finding.message}")
        if new_text == text:
            raise SkipFile("nothing to fix")
        try:
            verify(display, new_text, rules, unsafe, settings)
        except VerificationError as exc:
            raise SkipFile(str(exc)) from None
        helpers = {f.extra.get("helper_display") for f in fixed if f.extra.get("helper_display")}
        for helper in sorted(h for h in helpers if h and not Path(h).exists()):
            self.warn(f"the rewritten calls import {helper}: create it with "
                      "`vni-migrate fix --unsafe-fixes --select VNI020` (it writes the helper module)")
        return cst.parse_module(new_text)


class MigrateCommand(RuleCodemodCommand):
    DESCRIPTION = "Every per-file vni-migrate Python rule (what `vni-migrate fix` does to one module)."


class BaseUrlCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI001: old VNI gateway URLs become https://api.finance.visma.net/..."
    RULE_IDS = ("VNI001",)


class ApiPrefixCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI002: the old prefix split between a base and a path, both halves together."
    RULE_IDS = ("VNI002",)


class PartialMigrationCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI003: api.finance.visma.net URLs that kept the old /API/controller/api prefix."
    RULE_IDS = ("VNI003",)


class UrlMentionCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI004: comments and docstrings that mention the old URL."
    RULE_IDS = ("VNI004",)


class BackgroundWebhookUrlCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI010: `erp-api-background: <URL>` becomes `subscription:name=value,...`."
    RULE_IDS = ("VNI010",)


class BackgroundHeaderSpellingCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI012: `erp_api_background` as a header name becomes `erp-api-background`."
    RULE_IDS = ("VNI012",)


class LongCallCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI020: long calls go through the background-API helper (visma_background.call)."
    RULE_IDS = ("VNI020",)


class IppHeadersCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI033: ipp-company-id / ipp-application-type headers removed where nothing reads them."
    RULE_IDS = ("VNI033",)


class LocationHostAllowlistCommand(RuleCodemodCommand):
    DESCRIPTION = "VNI034: host checks on Location headers that would deny api.finance.visma.net."
    RULE_IDS = ("VNI034",)


__all__ = [
    "ApiPrefixCommand", "BackgroundHeaderSpellingCommand", "BackgroundWebhookUrlCommand", "BaseUrlCommand",
    "IppHeadersCommand", "LocationHostAllowlistCommand", "LongCallCommand", "MigrateCommand",
    "PartialMigrationCommand", "RuleCodemodCommand", "UrlMentionCommand",
]
