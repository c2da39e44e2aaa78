"""`vni-migrate rules test`: every example in every rule file goes through the real engine.

A fixed example must come out exactly as `after`, parse, and not change on a second run; an
unchanged example must come out byte for byte the same.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from migrator.engine import fix_text
from migrator.rulefile import Rule

UNUSED = "VNI900"


@dataclass
class ExampleFailure:
    rule: str
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def _engine_rules(rule: Rule, all_rules: list[Rule]) -> list[Rule]:
    # The rule under test, plus the unused-suppression check (it only reports).
    return [rule] + [r for r in all_rules if r.id == UNUSED and r.id != rule.id]


def check_rule(rule: Rule, all_rules: list[Rule]) -> tuple[int, list[ExampleFailure]]:
    failures: list[ExampleFailure] = []
    count = 0
    rules = _engine_rules(rule, all_rules)
    for example in rule.fixed_examples:
        count += 1
        try:
            out, _, _ = fix_text("example.py", example.before, rules, unsafe=example.unsafe)
            if out != example.after:
                failures.append(ExampleFailure(rule.id, rule.path, example.line, f"expected:\n{example.after}\ngot:\n{out}"))
                continue
            ast.parse(out)
            again, _, _ = fix_text("example.py", out, rules, unsafe=example.unsafe)
            if again != out:
                failures.append(ExampleFailure(rule.id, rule.path, example.line, f"second run changed it again:\n{again}"))
            if not example.unsafe:
                # A safe example must not need --unsafe-fixes, and must be what a review fix does too.
                unsafe_out, _, _ = fix_text("example.py", example.before, rules, unsafe=True)
                if unsafe_out != example.after:
                    failures.append(ExampleFailure(rule.id, rule.path, example.line, "--unsafe-fixes gives a different result"))
        except SyntaxError as exc:
            failures.append(ExampleFailure(rule.id, rule.path, example.line, f"example does not parse: {exc.msg}"))
    for code, line in rule.unchanged_examples:
        count += 1
        try:
            out, _, _ = fix_text("example.py", code, rules, unsafe=True)
        except SyntaxError as exc:
            failures.append(ExampleFailure(rule.id, rule.path, line, f"example does not parse: {exc.msg}"))
            continue
        if out != code:
            failures.append(ExampleFailure(rule.id, rule.path, line, f"must not change, but became:\n{out}"))
    return count, failures
