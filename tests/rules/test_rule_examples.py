"""Every example of every shipped rule file as its own test item, through the real engine, so a
failure names its rule and line (`vni-migrate rules test` runs the same checks in one command)."""

from __future__ import annotations

import pytest

from migrator.codemods import KINDS
from migrator.rulefile import load_rules
from migrator.ruletest import RuleExample, check_example, rule_examples

ALL_RULES = load_rules((), KINDS)
EXAMPLES = [example for rule in ALL_RULES for example in rule_examples(rule)]


def test_the_shipped_rules_have_examples_of_every_section() -> None:
    sections = {example.what for example in EXAMPLES}
    assert sections == {"fixed", "unchanged", "reported"}
    assert len(EXAMPLES) >= 150  # the shipped rule files hold this many; a loader losing some fails here


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_rule_example(example: RuleExample) -> None:
    failures = check_example(example, ALL_RULES)
    assert not failures, "\n".join(str(failure) for failure in failures)
