"""`vni-migrate rules test`: every example in every rule file goes through the real engine.

A fixed example must come out exactly as `after`, parse, and not change on a second run; an
unchanged example must come out byte for byte the same; a reported example (report-only rules)
must yield a finding of its rule and come out byte for byte the same.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from migrator.engine import fix_text as engine_fix_text
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
    partners = getattr(_kind(rule), "EXAMPLE_KINDS", ())
    return [rule] + [r for r in all_rules if (r.id == UNUSED or r.kind in partners) and r.id != rule.id]


def _kind(rule: Rule):  # type: ignore[no-untyped-def]
    from migrator.codemods import KINDS

    return KINDS.get(rule.kind)


def _project_fix_text(display: str, text: str, rules: list[Rule], unsafe: bool):  # type: ignore[no-untyped-def]
    """`fix_text` for a project-wide kind: the example is one file of a project run (per-file phase,
    project phase, merge), in a temporary folder. Raises SyntaxError like `fix_text`."""
    import tempfile
    from pathlib import Path

    from migrator.engine import process_file
    from migrator.project import (
        ProjectContext,
        merge,
        project_rules,
        run_project_checks,
    )

    ast.parse(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / display
        path.write_text(text, encoding="utf-8")
        whole = project_rules(rules)
        file_rules = [r for r in rules if r not in whole]
        result = process_file(path, display, file_rules, unsafe, False)
        hints = {f"{r.kind}:{tag}": {path} for r in whole if hasattr(_kind(r), "prefilter")
                 for tag in _kind(r).prefilter(path, text.lower().encode())}  # what the runner would tag
        ctx = ProjectContext([Path(folder)], [(path, display)], {display: result}, rules, hints=hints)
        merge(ctx, run_project_checks(ctx), unsafe, file_rules)
        out = result.new_text if result.new_text is not None and result.problem is None else text
        return out, result.findings, []


def check_rule(rule: Rule, all_rules: list[Rule]) -> tuple[int, list[ExampleFailure]]:
    # A project-wide kind's examples go through a project run: the same contract as `fix_text`.
    fix_text = _project_fix_text if getattr(_kind(rule), "LANGUAGE", "python") == "project" else engine_fix_text
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
    for code, line in rule.reported_examples:  # report-only rules: flagged, and left as written
        count += 1
        try:
            out, found, _ = fix_text("example.py", code, rules, unsafe=True)
        except SyntaxError as exc:
            failures.append(ExampleFailure(rule.id, rule.path, line, f"example does not parse: {exc.msg}"))
            continue
        if not any(f.rule == rule.id and not f.suppressed for f in found):
            failures.append(ExampleFailure(rule.id, rule.path, line, "must be reported, but nothing was found"))
        elif out != code:
            failures.append(ExampleFailure(rule.id, rule.path, line, f"must be reported without an edit, but became:\n{out}"))
    return count, failures
