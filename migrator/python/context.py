"""Everything the rule kinds need about one Python file, computed once and shared."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from migrator.findings import Edit, Finding, FixSafety
from migrator.python.urlflow import (
    ClientSpec,
    FileAnalysis,
    FlowConfig,
    LineIndex,
    analyse,
)
from migrator.rulefile import Rule
from migrator.span_finding import span_finding


@dataclass
class PythonContext:
    path: str
    text: str
    tree: ast.Module
    rules: list[Rule]
    settings: dict[str, Any] = field(default_factory=dict)  # run-wide values (RunOptions.settings)
    index: LineIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = LineIndex(self.text)

    @cached_property
    def lowered(self) -> str:
        """The text lower-cased once, for the kinds' cheap substring gates."""
        return self.text.lower()

    @cached_property
    def flow_config(self) -> FlowConfig:
        return flow_config_of(self.rules)

    @cached_property
    def urls(self) -> FileAnalysis:
        return analyse(self.text, self.tree, self.flow_config, index=self.index)

    def finding(
        self,
        rule: Rule,
        span: tuple[int, int] | ast.AST,
        message: str,
        edits: list[Edit] | tuple[Edit, ...] = (),
        fix: FixSafety | None = None,
        replacement: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Finding:
        if isinstance(span, ast.AST):
            start, end = self.index.node_span(span)
        else:
            start, end = span
        return span_finding(rule, self.path, self.text, self.index, start, end, message, edits, fix, replacement, extra)


def flow_config_of(rules: list[Rule]) -> FlowConfig:
    """The clients and join functions the URL analysis follows, from the rules' parameters."""
    clients: list[ClientSpec] = []
    joins: list[tuple[str, str]] = []
    for rule in rules:
        for client in rule.parameters.get("clients", []) or []:
            clients.append(
                ClientSpec(
                    constructor=client["constructor"],
                    base_argument=client.get("base_argument", "base_url"),
                    join=client.get("join", "httpx"),
                    methods=tuple(client.get("methods", ("get", "post", "put", "patch", "delete", "head", "request"))),
                )
            )
        for join in rule.parameters.get("join_functions", []) or []:
            joins.append((join["function"], join.get("join", "urljoin")))
    return FlowConfig(tuple(clients), tuple(joins) or FlowConfig().join_functions)


class _Default(dict):  # type: ignore[type-arg]
    """Placeholders without a value stay as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(rule: Rule, **values: Any) -> str:
    return rule.message.format_map(_Default(values))
