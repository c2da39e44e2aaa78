"""`vni-migrate rules list|test`: the rule catalogue and its self-test."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from migrator.codemods import KINDS
from migrator.rulefile import RuleFileError, load_rules
from migrator.ruletest import check_rule


@click.group("rules")
def command() -> None:
    """List the rules or run their examples through the engine."""


def _load(extra: tuple[Path, ...]):  # type: ignore[no-untyped-def]
    try:
        return load_rules(extra, KINDS)
    except RuleFileError as exc:
        click.echo(f"vni-migrate: error: {exc}", err=True)
        sys.exit(2)


@command.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def list_rules(rule_dirs: tuple[Path, ...]) -> None:
    """Print every rule: id, severity, fix safety, name and title."""
    for rule in _load(rule_dirs):
        click.echo(f"{rule.id}  {rule.severity.value:<7}  {rule.fix.value:<6}  {rule.name:<28} {rule.title}")


@command.command("test")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def test_rules(directory: Path | None) -> None:
    """Run every example of every rule (or of the rules in DIRECTORY) through the real engine."""
    rules = _load((directory,) if directory else ())
    chosen = rules if directory is None else [r for r in rules if Path(r.path).parent.resolve() == directory.resolve()]
    total = 0
    failed = 0
    for rule in chosen:
        count, failures = check_rule(rule, rules)
        total += count
        failed += len(failures)
        status = "ok" if not failures else f"{len(failures)} failed"
        click.echo(f"{rule.id} {rule.name}: {count} examples, {status}")
        for failure in failures:
            click.echo(f"  {failure}", err=True)
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


@command.command("explain")
@click.argument("rule_id", metavar="RULE")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def explain_rule(rule_id: str, rule_dirs: tuple[Path, ...]) -> None:
    """Print one rule's title, fix safety, rationale and link (as `ruff rule`)."""
    rules = {r.id: r for r in _load(rule_dirs)}
    rule = rules.get(rule_id.upper())
    if rule is None:
        click.echo(f"vni-migrate: error: {rule_id!r} is not a rule id (`vni-migrate rules list` shows them)", err=True)
        sys.exit(2)
    click.echo(f"{rule.id} ({rule.name}): {rule.title}")
    click.echo(f"severity: {rule.severity.value}; fix: {rule.fix.value}")
    if rule.rationale:
        click.echo("")
        click.echo(rule.rationale.strip())
    if rule.link:
        click.echo(f"\nSee {rule.link}")
