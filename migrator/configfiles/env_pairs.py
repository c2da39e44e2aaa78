"""A base kept in a configuration value (`.env` `VISMA_BASE=https://integration.visma.net/API`) and
the Python paths joined to it (`os.getenv("VISMA_BASE") + "/controller/api/v1/customer"`).

Neither half can move alone: the new base with an old path gives
`https://api.finance.visma.net/controller/api/...`, which does not exist. The per-file Python
findings name the environment variable (`extra["environment"]`) or the module constant that reads
it (`extra["base_name"]`); for each, the path literal in the finding's span is found and the pair
(new base, new path) is checked with the join's own semantics before both edits are offered. The
pair is a safe fix only when every read of the variable in the tree's Python code is such a join;
otherwise it needs review. The fix level never exceeds that of a Python finding that edits the same
path, so one half is never applied without the other.
"""

from __future__ import annotations

import ast
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from migrator import urls
from migrator.configfiles import ConfigValue
from migrator.edits import apply_edits
from migrator.findings import Edit, Finding, FixSafety
from migrator.python.urlflow import LineIndex
from migrator.rulefile import Rule
from migrator.spans import SpanText

_PATH_SHARE = re.compile(r"^/?(?:api/)?(?:service/)?controller/api(?=/v\d|/background\b)", re.IGNORECASE)
_RANK = {FixSafety.SAFE: 0, FixSafety.REVIEW: 1, FixSafety.MANUAL: 2}


@dataclass
class _PythonFile:
    display: str
    path: Path
    text: str
    tree: ast.Module
    index: LineIndex
    env_vars: dict[str, str] = field(default_factory=dict)  # module constant -> environment variable
    reads: dict[str, int] = field(default_factory=dict)  # environment variable -> read sites


def _env_name(node: ast.AST) -> str | None:
    """`X` for os.getenv("X"...), os.environ.get("X"...), os.environ["X"]."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        func = node.func
        name = ast.unparse(func) if isinstance(func, (ast.Attribute, ast.Name)) else ""
        if name in ("os.getenv", "getenv", "os.environ.get", "environ.get"):
            return node.args[0].value
    if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _python_file(ctx: Any, display: str, path: Path) -> _PythonFile | None:
    parsed = ctx.python(display, path)
    if parsed is None:
        return None
    source, tree = parsed
    info = _PythonFile(display, path, source.text, tree, LineIndex(source.text))
    for node in ast.walk(tree):
        name = _env_name(node)
        if name is not None:
            info.reads[name] = info.reads.get(name, 0) + 1
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = _env_name(stmt.value)
            if name is not None:
                info.env_vars[stmt.targets[0].id] = name
    return info


def _content_start(text: str, node: ast.Constant, index: LineIndex) -> int | None:
    """Offset of the first character of a plain (escape-free at its start) string literal's value."""
    start, end = index.node_span(node)
    source = text[start:end]
    match = re.match(r"[rRuU]?('''|\"\"\"|'|\")", source)
    if match is None:
        return None
    return start + match.end()


def _evaluate(kind: str, base: str, path: str) -> str:
    if kind == "urljoin":
        return urllib.parse.urljoin(base, path)
    if kind == "httpx":
        return (base if base.endswith("/") else base + "/") + path.lstrip("/")
    return base + path


def _new_pair(kind: str, base: str, path: str) -> tuple[str, int, int] | None:
    """(new base, start, end of the path's share of the prefix to delete) that joins to the mapped URL."""
    share = _PATH_SHARE.match(path)
    if share is None:
        return None
    wanted = urls.migrate_url(_evaluate(kind, base, path))
    if wanted == _evaluate(kind, base, path):
        return None
    for new_base in ((urls.NEW_BASE, urls.NEW_ORIGIN) if base.endswith("/") else (urls.NEW_ORIGIN, urls.NEW_BASE)):
        for start, end in ((0, share.end()), (0, share.end() + 1), (1, share.end() + 1)):
            new_path = path[:start] + path[end:]
            if end <= len(path) and _evaluate(kind, new_base, new_path) == wanted:
                return new_base, start, end
    return None


def _paths_in_span(info: _PythonFile, finding: Finding) -> list[ast.Constant]:
    start = info.index.offset(finding.line, 0) + finding.column - 1
    end = info.index.offset(finding.end_line, 0) + finding.end_column - 1
    found = []
    for node in ast.walk(info.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _PATH_SHARE.match(node.value):
            node_start, node_end = info.index.node_span(node)
            if start <= node_start and node_end <= end:
                found.append(node)
    return found


def _environment_of(info: _PythonFile, finding: Finding) -> set[str]:
    names: set[str] = set()
    env = finding.extra.get("environment")
    if isinstance(env, str):
        names.add(env)
    elif isinstance(env, (list, tuple)):
        names.update(e for e in env if isinstance(e, str))
    base = finding.extra.get("base_name")
    if isinstance(base, str) and base in info.env_vars:
        names.add(info.env_vars[base])
    if not names:  # a read inside the joined expression itself: os.getenv("X") + "/controller/api/..."
        start = info.index.offset(finding.line, 0) + finding.column - 1
        end = info.index.offset(finding.end_line, 0) + finding.end_column - 1
        for node in ast.walk(info.tree):
            name = _env_name(node)
            if name is not None and hasattr(node, "lineno"):
                node_start, node_end = info.index.node_span(node)
                if start <= node_start and node_end <= end:
                    names.add(name)
    return names


def pair_findings(
    ctx: Any, rule: Rule, bases: dict[str, list[tuple[SpanText, ConfigValue]]]
) -> tuple[list[Finding], list[tuple[SpanText, ConfigValue]]]:
    """Findings that fix config bases with their Python paths, and the bases no path was found for."""
    if not bases:
        return [], []
    python_files: dict[str, _PythonFile] = {}
    for path, display in ctx.files:
        if path.suffix in (".py", ".pyi") and display in ctx.results:
            info = _python_file(ctx, display, path) if any(f.extra for f in ctx.results[display].findings) else None
            if info is not None:
                python_files[display] = info
    # environment variable -> [(python file, finding, path literal)]
    joins: dict[str, list[tuple[_PythonFile, Finding, ast.Constant]]] = {}
    for display, info in python_files.items():
        for finding in ctx.results[display].findings:
            if finding.rule == rule.id or not finding.extra:
                continue
            for name in _environment_of(info, finding) & set(bases):
                for node in _paths_in_span(info, finding):
                    joins.setdefault(name, []).append((info, finding, node))
    out: list[Finding] = []
    unpaired: list[tuple[SpanText, ConfigValue]] = []
    reads_total = _reads_in_tree(ctx, set(joins))
    for name, located in bases.items():
        if name not in joins:
            unpaired.extend(located)
            continue
        out.extend(_pair(rule, name, located, joins[name], reads_total.get(name, 0), unpaired))
    return out, unpaired


def _reads_in_tree(ctx: Any, names: set[str]) -> dict[str, int]:
    """How often Python code anywhere in the tree reads each environment variable."""
    counts: dict[str, int] = {}
    if not names:
        return counts
    for path, display in ctx.files:
        if path.suffix not in (".py", ".pyi"):
            continue
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if not any(name.encode() in raw for name in names):
            continue
        info = _python_file(ctx, display, path)
        for name in names:
            counts[name] = counts.get(name, 0) + (info.reads.get(name, 0) if info else 1)
    return counts


def _pair(
    rule: Rule,
    name: str,
    located: list[tuple[SpanText, ConfigValue]],
    joins: list[tuple[_PythonFile, Finding, ast.Constant]],
    reads: int,
    unpaired: list[tuple[SpanText, ConfigValue]],
) -> list[Finding]:
    values = {value.value for _, value in located}
    if len(values) != 1:
        unpaired.extend(located)  # different bases per environment file: a person decides
        return []
    base = values.pop()
    reasons: list[str] = []
    fix = FixSafety.SAFE if rule.fix is FixSafety.SAFE else rule.fix
    python_edits: dict[str, list[tuple[Finding, Edit, str]]] = {}
    new_base = None
    for info, finding, node in joins:
        kind = str(finding.extra.get("join", "concat"))
        path_text = cast(str, node.value)  # the joins are string literals
        pair = _new_pair(kind, base, path_text)
        start = _content_start(info.text, node, info.index)
        if pair is None or start is None or info.text[start : start + pair[2]] != path_text[: pair[2]]:
            unpaired.extend(located)
            return []
        if new_base is not None and pair[0] != new_base:
            unpaired.extend(located)
            return []
        new_base = pair[0]
        new_path = path_text[: pair[1]] + path_text[pair[2] :]
        python_edits.setdefault(info.display, []).append((finding, Edit(start + pair[1], start + pair[2], ""), new_path))
        if finding.edits:
            fix = max(fix, finding.fix, key=_RANK.__getitem__)
            reasons.append(f"the finding at {info.display}:{finding.line} also edits this path")
    infos = {info.display: info for info, _, _ in joins}
    read_sites = 0
    for display, info in infos.items():
        for var, env in info.env_vars.items():
            if env != name:
                continue
            read_sites += 1
            uses = sum(1 for n in ast.walk(info.tree) if isinstance(n, ast.Name) and n.id == var and isinstance(n.ctx, ast.Load))
            paired = sum(1 for i, f, _ in joins if i.display == display and f.extra.get("base_name") == var)
            if uses > paired:
                reasons.append(f"{var} in {display} is also used where the tool cannot follow it")
    read_sites += sum(1 for i, f, _ in joins if f.extra.get("base_name") not in i.env_vars)  # reads inside the join
    if reads > read_sites:
        reasons.append(f"{name} is also read elsewhere in the code")
    if reasons and fix is FixSafety.SAFE:
        fix = FixSafety.REVIEW
    for display, edits in python_edits.items():
        info = infos[display]
        try:
            ast.parse(apply_edits(info.text, sorted({e for _, e, _ in edits}, key=lambda e: e.start)))
        except SyntaxError:
            unpaired.extend(located)
            return []
    note = f" (review: {'; '.join(dict.fromkeys(reasons))})" if reasons else ""
    out: list[Finding] = []
    assert new_base is not None
    for span_text, value in located:
        if span_text.text[value.start : value.end] != value.value:
            unpaired.extend(located)
            return []
    for span_text, value in located:
        out.append(span_text.finding(
            rule, value.start, value.end,
            f"{name} = {base!r} is a base that Python code joins with /controller/api/... paths; "
            f"the base becomes {new_base} and the paths lose the prefix, together{note}",
            [Edit(value.start, value.end, new_base)], fix=fix, replacement=new_base,
            extra={"key": value.key, "old_url": base, "url": new_base, "environment": name,
                   "paths": sorted({f"{i.display}:{f.line}" for i, f, _ in joins}), "proved": not reasons,
                   "link": f"{rule.id}:env:{name}"},
        ))
    for display, edits in python_edits.items():
        info = infos[display]
        span = SpanText(display, info.text)
        for _finding, edit, new_path in edits:
            out.append(span.finding(
                rule, edit.start, max(edit.start, edit.end),
                f"This path is joined to {name}, which {located[0][0].display} sets to {base!r}; the path becomes "
                f"{new_path!r} as the base becomes {new_base}{note}",
                [edit], fix=fix, replacement=new_path,
                extra={"environment": name, "base_file": located[0][0].display, "proved": not reasons,
                       "link": f"{rule.id}:env:{name}"},
            ))
    return out
