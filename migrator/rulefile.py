"""Rule files: one YAML file per rule in `rules/`, validated on load.

A broken rule file is a configuration error: `RuleFileError` carries the path and line of the
problem, and the CLI turns it into a one-line message and exit code 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from migrator.findings import FixSafety, Severity

BUILTIN_RULES_DIR = Path(__file__).resolve().parent / "data" / "rules"
REPO_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

REQUIRED: dict[str, type] = {
    "id": str,
    "name": str,
    "title": str,
    "severity": str,
    "fix": str,
    "kind": str,
    "message": str,
    "rationale": str,
}
OPTIONAL: dict[str, type] = {"parameters": dict, "examples": dict, "link": str}
ID_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}\d{3}$")


# Regular expressions from rule files are user input: a pattern like `(a+)+b` backtracks
# exponentially in `re`. They run on the `regex` engine with a time limit per match, and both the
# pattern and the text it is matched against have a size limit.
MAX_PATTERN_CHARS = 2000
MAX_SUBJECT_CHARS = 100_000
MATCH_SECONDS = 1.0


class RulePatternError(Exception):
    """A rule-file regular expression gave up on some text (time or size limit): the file is reported."""


class RulePattern:
    """A compiled rule-file regular expression whose every match is bounded in time and size."""

    def __init__(self, source: str, flags: int = 0, owner: str = "") -> None:
        if len(source) > MAX_PATTERN_CHARS:
            raise ValueError(f"longer than {MAX_PATTERN_CHARS} characters")
        try:
            self._compiled = regex.compile(source, flags | regex.VERSION0)
        except regex.error as exc:
            raise ValueError(str(exc)) from None
        self.pattern = source
        self.owner = owner  # the rule id, for messages

    def _bounded(self, text: str) -> None:
        if len(text) > MAX_SUBJECT_CHARS:
            raise RulePatternError(f"{self.owner}: a string of {len(text)} characters is too long for the rule's pattern (limit {MAX_SUBJECT_CHARS})")

    def match(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        """`regex.match` from `pos`; raises RulePatternError past the time or size limit."""
        self._bounded(text)
        try:
            return self._compiled.match(text, pos, timeout=MATCH_SECONDS)
        except TimeoutError:
            raise RulePatternError(f"{self.owner}: the rule's pattern took more than {MATCH_SECONDS:g} s on one string; stopped") from None

    def search(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        """`regex.search` from `pos`; raises RulePatternError past the time or size limit."""
        self._bounded(text)
        try:
            return self._compiled.search(text, pos, timeout=MATCH_SECONDS)
        except TimeoutError:
            raise RulePatternError(f"{self.owner}: the rule's pattern took more than {MATCH_SECONDS:g} s on one string; stopped") from None


def rule_pattern(sources: list[str], owner: str = "", ignore_case: bool = True) -> RulePattern:
    """One bounded pattern matching any of `sources`; raises ValueError naming a bad one."""
    for source in sources:
        try:
            RulePattern(source)
        except ValueError as exc:
            raise ValueError(f"{source[:60]!r} is not a usable regular expression ({exc})") from None
    return RulePattern("|".join(f"(?:{s})" for s in sources), regex.IGNORECASE if ignore_case else 0, owner)


class RuleFileError(Exception):
    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class FixExample:
    before: str
    after: str
    unsafe: bool = False  # the fix needs --unsafe-fixes
    line: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    fix: FixSafety
    kind: str
    message: str
    rationale: str
    link: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    fixed_examples: tuple[FixExample, ...] = ()
    unchanged_examples: tuple[tuple[str, int], ...] = ()
    path: str = ""
    reported_examples: tuple[tuple[str, int], ...] = ()  # code a report-only rule must flag, unchanged

    def __hash__(self) -> int:
        return hash(self.id)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, path: Path, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise RuleFileError(path, _line(node), f"{what} must be a mapping")
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise RuleFileError(path, _line(key), "keys must be plain words")
        if key.value in out:
            raise RuleFileError(path, _line(key), f"duplicate key {key.value!r}")
        out[key.value] = (key, value)
    return out


def load_rule(path: Path, known_kinds: Mapping[str, Any] | None = None) -> Rule:
    """Load and validate one rule file. Raises RuleFileError with the path and line."""
    root, data = _read_yaml(path)
    nodes = _mapping(root, path, "a rule file")
    _check_keys(path, root, nodes, data)
    try:
        severity = Severity(data["severity"])
    except ValueError:
        raise RuleFileError(path, _line(nodes["severity"][1]), "severity must be error, warning or info") from None
    try:
        safety = FixSafety(data["fix"])
    except ValueError:
        raise RuleFileError(path, _line(nodes["fix"][1]), "fix must be safe, review or manual") from None
    parameters = data.get("parameters") or {}
    if known_kinds is not None:
        _check_kind(path, root, nodes, data["kind"], parameters, known_kinds)
    fixed, unchanged, reported = _examples(path, nodes, data) if "examples" in nodes else ([], [], [])
    return Rule(
        id=data["id"],
        name=data["name"],
        title=data["title"],
        severity=severity,
        fix=safety,
        kind=data["kind"],
        message=data["message"].strip(),
        rationale=data["rationale"].strip(),
        link=data.get("link", ""),
        parameters=parameters,
        fixed_examples=tuple(fixed),
        unchanged_examples=tuple(unchanged),
        path=str(path),
        reported_examples=tuple(reported),
    )


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> tuple[yaml.Node, Any]:
    """The file's node tree (for line numbers) and its data."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(path, None, f"cannot read rule file: {exc}") from None
    # One parse gives both (the C loader where libyaml is built in: rule files are read on every run).
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RuleFileError(path, line, f"invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    if root is None:
        raise RuleFileError(path, 1, "empty rule file")
    return root, data


def _check_keys(path: Path, root: yaml.Node, nodes: dict[str, tuple[yaml.Node, yaml.Node]], data: dict[str, Any]) -> None:
    """Known keys only, every required one, each of its type; an id like VNI001."""
    for key, (key_node, _) in nodes.items():
        if key not in REQUIRED and key not in OPTIONAL:
            raise RuleFileError(path, _line(key_node), f"unknown key {key!r} (allowed: {', '.join([*REQUIRED, *OPTIONAL])})")
    for key in REQUIRED:
        if key not in nodes:
            raise RuleFileError(path, _line(root), f"missing required key {key!r}")
    for key, expected in {**REQUIRED, **OPTIONAL}.items():
        if key in nodes and not isinstance(data[key], expected):
            raise RuleFileError(path, _line(nodes[key][1]), f"{key!r} must be a {expected.__name__}, not {type(data[key]).__name__}")
    if not ID_RE.match(data["id"]):
        raise RuleFileError(path, _line(nodes["id"][1]), f"rule id {data['id']!r} must look like VNI001 (letters, then three digits)")


def _check_kind(
    path: Path, root: yaml.Node, nodes: dict[str, tuple[yaml.Node, yaml.Node]], kind: str, parameters: Any, known_kinds: Mapping[str, Any]
) -> None:
    """The kind exists and accepts the parameters (its `validate_parameters`, if it has one)."""
    if kind not in known_kinds:
        raise RuleFileError(path, _line(nodes["kind"][1]), f"unknown kind {kind!r} (known: {', '.join(sorted(known_kinds))})")
    validate = getattr(known_kinds[kind], "validate_parameters", None)
    if validate is None:
        return
    try:
        problem = validate(parameters)
    except (TypeError, AttributeError, ValueError, KeyError) as exc:  # a validator meeting a wrong type
        problem = f"a value has the wrong type ({type(exc).__name__}: {exc})"
    if problem:
        line = _line(nodes["parameters"][1]) if "parameters" in nodes else _line(root)
        raise RuleFileError(path, line, f"parameters: {problem}")


def _examples(
    path: Path, nodes: dict[str, tuple[yaml.Node, yaml.Node]], data: dict[str, Any]
) -> tuple[list[FixExample], list[tuple[str, int]], list[tuple[str, int]]]:
    """(fixed, unchanged, reported) examples of the `examples` mapping, each with its line."""
    ex_nodes = _mapping(nodes["examples"][1], path, "'examples'")
    for key, (key_node, value_node) in ex_nodes.items():
        if key not in ("fixed", "unchanged", "reported"):
            raise RuleFileError(path, _line(key_node), f"examples: unknown key {key!r} (use 'fixed', 'unchanged', 'reported')")
        if not isinstance(value_node, yaml.SequenceNode):
            raise RuleFileError(path, _line(value_node), f"examples.{key} must be a list")

    def items(key: str) -> list[tuple[yaml.Node, Any]]:
        return list(zip(ex_nodes[key][1].value if key in ex_nodes else [], data["examples"].get(key) or []))

    fixed: list[FixExample] = []
    for item_node, item in items("fixed"):
        if not isinstance(item, dict) or not isinstance(item.get("before"), str) or not isinstance(item.get("after"), str):
            raise RuleFileError(path, _line(item_node), "each fixed example needs 'before' and 'after' strings")
        extra = set(item) - {"before", "after", "unsafe"}
        if extra:
            raise RuleFileError(path, _line(item_node), f"unknown example key(s): {', '.join(sorted(extra))}")
        fixed.append(FixExample(item["before"], item["after"], bool(item.get("unsafe", False)), _line(item_node)))
    code: dict[str, list[tuple[str, int]]] = {"unchanged": [], "reported": []}
    for key, found in code.items():
        for item_node, item in items(key):
            if not isinstance(item, str):
                raise RuleFileError(path, _line(item_node), f"each {key} example must be a string of code")
            found.append((item, _line(item_node)))
    return fixed, code["unchanged"], code["reported"]


def rule_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RuleFileError(directory, None, "rule directory does not exist")
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def builtin_rules_dir() -> Path:
    """The bundled rules: `migrator/data/rules` (a link to `rules/` in a checkout, real files in a wheel)."""
    if BUILTIN_RULES_DIR.is_dir():
        return BUILTIN_RULES_DIR
    return REPO_RULES_DIR


_LOADED: dict[tuple[tuple[tuple[str, int, int], ...], int], list[Rule]] = {}


def load_rules(extra_dirs: tuple[Path, ...] = (), known_kinds: Mapping[str, Any] | None = None) -> list[Rule]:
    """Every rule of the built-in folder and `extra_dirs` (raises RuleFileError). Parsed once per
    process and set of files (the CLI, the runner and the report all ask)."""
    try:
        stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                      for d in (builtin_rules_dir(), *extra_dirs) for p in rule_files(d))
    except OSError:
        return _load_rules(extra_dirs, known_kinds)
    key = (stamp, id(known_kinds))
    if key not in _LOADED:
        _LOADED[key] = _load_rules(extra_dirs, known_kinds)
    return list(_LOADED[key])


def _load_rules(extra_dirs: tuple[Path, ...], known_kinds: Mapping[str, Any] | None) -> list[Rule]:
    rules: dict[str, Rule] = {}
    for directory in (builtin_rules_dir(), *extra_dirs):
        for path in rule_files(directory):
            rule = load_rule(path, known_kinds)
            if rule.id in rules and directory.resolve() != builtin_rules_dir().resolve():
                raise RuleFileError(path, 1, f"rule id {rule.id} is already defined in {rules[rule.id].path}")
            rules[rule.id] = rule
    return sorted(rules.values(), key=lambda r: r.id)
