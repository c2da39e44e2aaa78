"""Run code through the real engine with every bundled rule, as `vni-migrate fix` would."""

import textwrap

from migrator.engine import fix_text
from tests.engine.helpers import RULES, fix

fixed = fix  # the fixed text: it must parse and a second run must change nothing


def found(code: str, rule: str | None = None) -> list:
    _, findings, _ = fix_text("t.py", textwrap.dedent(code), RULES, False)
    return [f for f in findings if rule is None or f.rule == rule]


def rules_at(code: str) -> list[tuple[str, int]]:
    """(rule, line) of every finding, to check that one URL gets one rule's finding."""
    return sorted((f.rule, f.line) for f in found(code))
