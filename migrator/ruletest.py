"""`vni-migrate rules test`: every example in every rule file goes through the real engine.

A fixed example must come out exactly as `after`, parse, and not change on a second run; an
unchanged example must come out byte for byte the same; a reported example (report-only rules)
must yield a finding of its rule and come out byte for byte the same.
"""

from __future__ import annotations

import ast
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.engine import fix_text as engine_fix_text
from migrator.engine import process_file
from migrator.findings import Finding
from migrator.kind import kind_of
from migrator.project import ProjectContext, merge, project_rules, run_project_checks
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
    # The rule under test, plus the unused-suppression check (it only reports), plus the rules a
    # project-wide kind works with in its examples (`EXAMPLE_KINDS`, e.g. VNI011 needs VNI010).
    kind = kind_of(rule)
    partners = kind.example_kinds if kind is not None else ()
    return [rule] + [r for r in all_rules if (r.id == UNUSED or r.kind in partners) and r.id != rule.id]


def _project_fix_text(display: str, text: str, rules: list[Rule], unsafe: bool) -> tuple[str, list[Finding], list[Finding]]:
    """`fix_text` for a project-wide kind: the example is one file of a project run (per-file phase,
    project phase, merge), in a temporary folder. Raises SyntaxError like `fix_text`."""
    ast.parse(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / display
        path.write_text(text, encoding="utf-8")
        whole = project_rules(rules)
        file_rules = [r for r in rules if r not in whole]
        result = process_file(path, display, file_rules, unsafe, False)
        hints: dict[str, set[Path]] = {}
        for r in whole:  # what the runner's screening would tag
            kind = kind_of(r)
            if kind is not None and kind.prefilter is not None:
                for tag in kind.prefilter(path, text.lower().encode()):
                    hints[f"{r.kind}:{tag}"] = {path}
        ctx = ProjectContext([Path(folder)], [(path, display)], {display: result}, rules, hints=hints)
        merge(ctx, run_project_checks(ctx), unsafe, file_rules)
        out = result.new_text if result.new_text is not None and result.problem is None else text
        return out, result.findings, []


@dataclass(frozen=True)
class RuleExample:
    """One example of one rule file: `what` is "fixed", "unchanged" or "reported"; `after` only for fixed."""

    rule: Rule
    what: str
    line: int
    before: str
    after: str = ""
    unsafe: bool = False

    @property
    def name(self) -> str:
        """A stable id for listings and test reports, e.g. `VNI001-fixed-line23`."""
        return f"{self.rule.id}-{self.what}-line{self.line}"


def rule_examples(rule: Rule) -> list[RuleExample]:
    """Every example of `rule`, in file order within each section (fixed, unchanged, reported)."""
    out = [RuleExample(rule, "fixed", e.line, e.before, e.after, e.unsafe) for e in rule.fixed_examples]
    out += [RuleExample(rule, "unchanged", line, code) for code, line in rule.unchanged_examples]
    out += [RuleExample(rule, "reported", line, code) for code, line in rule.reported_examples]
    return out


def check_example(example: RuleExample, all_rules: list[Rule]) -> list[ExampleFailure]:
    """The failures of one example through the real engine (empty when it holds)."""
    rule = example.rule
    # A project-wide kind's examples go through a project run: the same contract as `fix_text`.
    kind = kind_of(rule)
    fix_text = _project_fix_text if kind is not None and kind.project_wide else engine_fix_text
    rules = _engine_rules(rule, all_rules)

    def failure(message: str) -> ExampleFailure:
        return ExampleFailure(rule.id, rule.path, example.line, message)

    try:
        if example.what == "fixed":
            return _check_fixed(example, rules, fix_text, failure)
        out, found, _ = fix_text("example.py", example.before, rules, unsafe=True)
    except SyntaxError as exc:
        return [failure(f"example does not parse: {exc.msg}")]
    if example.what == "unchanged":
        return [] if out == example.before else [failure(f"must not change, but became:\n{out}")]
    # report-only rules: flagged, and left as written
    if not any(f.rule == rule.id and not f.suppressed for f in found):
        return [failure("must be reported, but nothing was found")]
    if out != example.before:
        return [failure(f"must be reported without an edit, but became:\n{out}")]
    return []


def _check_fixed(example: RuleExample, rules: list[Rule], fix_text: Any, failure: Callable[[str], ExampleFailure]) -> list[ExampleFailure]:
    out, _, _ = fix_text("example.py", example.before, rules, unsafe=example.unsafe)
    if out != example.after:
        return [failure(f"expected:\n{example.after}\ngot:\n{out}")]
    ast.parse(out)
    failures: list[ExampleFailure] = []
    again, _, _ = fix_text("example.py", out, rules, unsafe=example.unsafe)
    if again != out:
        failures.append(failure(f"second run changed it again:\n{again}"))
    if not example.unsafe:
        # A safe example must not need --unsafe-fixes, and must be what a review fix does too.
        unsafe_out, _, _ = fix_text("example.py", example.before, rules, unsafe=True)
        if unsafe_out != example.after:
            failures.append(failure("--unsafe-fixes gives a different result"))
    return failures


def check_rule(rule: Rule, all_rules: list[Rule]) -> tuple[int, list[ExampleFailure]]:
    """(number of examples, failures) of every example of `rule`."""
    examples = rule_examples(rule)
    failures: list[ExampleFailure] = []
    for example in examples:
        failures.extend(check_example(example, all_rules))
    return len(examples), failures
