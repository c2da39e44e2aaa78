"""Project configuration: the `[tool.vni-migrate]` table of pyproject.toml.

The file is found by walking up from the paths a run is given (their common folder), like ruff
and black do; a pyproject.toml without the table is passed over. Command-line flags override the
file key by key: a flag that is given replaces that key's value, one that is not leaves it.

```toml
[tool.vni-migrate]
select = ["VNI0"]                    # rule ids or prefixes
ignore = ["VNI033"]
exclude = ["tests/fixtures/*"]       # globs, matched against paths relative to each scanned path
rules = ["ci/vni-rules"]             # extra rule folders, relative to this file
background = ["v1/generalLedgerTransactions"]   # endpoints known to need the background API
listener-url = "https://hooks.example.com/visma"  # the webhook listener (allowlist check)
unsafe-fixes = false                 # true: `fix` also applies review fixes

[tool.vni-migrate.per-file-ignores]  # rules switched off for some files (globs relative to this file)
"tests/fixtures/*" = ["VNI001"]
"legacy_*.py" = ["VNI0"]             # a glob without / also matches the file name anywhere
```

A broken table is a configuration error (`ConfigError`, exit code 2) naming the file and line.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.runner import RunOptions

TABLE = "vni-migrate"
# key -> (expected shape, default); shapes: "ids", "globs", "dirs", "list", "str", "bool"
KEYS: dict[str, tuple[str, Any]] = {
    "select": ("ids", []),
    "ignore": ("ids", []),
    "exclude": ("globs", []),
    "rules": ("dirs", []),
    "background": ("list", []),
    "listener-url": ("str", None),
    "unsafe-fixes": ("bool", False),
    "per-file-ignores": ("per-file", {}),
}
DEFAULT_SOURCE = "default"


class ConfigError(Exception):
    """A configuration file the run cannot use; the message names the file and, if known, the line."""


@dataclass
class Config:
    """The effective configuration: values by key, and where each value came from."""

    values: dict[str, Any]
    sources: dict[str, str]
    file: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.file) if self.file else None,
            "values": {key: _plain(value) for key, value in self.values.items()},
            "sources": dict(self.sources),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) if isinstance(v, Path) else v for v in value]
    return value


def _start_folder(paths: list[Path]) -> Path:
    resolved = [p.resolve() for p in paths] or [Path.cwd().resolve()]
    folders = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(f) for f in folders]))


def find_config_file(paths: list[Path]) -> Path | None:
    """The nearest pyproject.toml with a [tool.vni-migrate] table, walking up from `paths`."""
    folder = _start_folder(paths)
    for candidate_folder in (folder, *folder.parents):
        candidate = candidate_folder / "pyproject.toml"
        if candidate.is_file():
            try:
                head = candidate.read_bytes()
            except OSError:
                continue
            # cheap test first; the full parse happens in read_config_file
            # loose on purpose: a malformed header (`[tool.vni-migrate` without its bracket) must
            # reach the parser and fail with its line, not be passed over as "no table"
            if re.search(rb"^\s*\[+\s*[\"']?tool[\"']?\s*\.\s*[\"']?vni[-_]migrate", head, re.MULTILINE):
                return candidate
    return None


def _line_of(text: str, key: str) -> int | None:
    """The line of `key = ...` inside the [tool.vni-migrate] table (for messages), if found."""
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = re.match(r"\[\s*tool\s*\.\s*[\"']?vni-migrate[\"']?\s*\]", stripped) is not None
            continue
        if in_table and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*=", stripped):
            return number
    return None


def _toml_error(path: Path, exc: Exception) -> str:
    """One line: file, line, and tomllib's reason without its own position suffix."""
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match is None:
        match_end = re.search(r"\s*\(at end of document\)$", message)
        line = len(path.read_text(encoding="utf-8", errors="replace").splitlines()) if match_end else None
        reason = message[: match_end.start()] if match_end else message
        return f"{path}:{line}: invalid TOML: {reason}" if line else f"{path}: invalid TOML: {reason}"
    return f"{path}:{match.group(1)}:{match.group(2)}: invalid TOML: {message[: match.start()]}"


def _table_line(text: str, sub: str | None = None, spelling: str = TABLE) -> int | None:
    """The line of the [tool.vni-migrate] (or [tool.vni-migrate.SUB]) header."""
    name = re.escape(spelling) + (r"\s*\.\s*[\"']?" + re.escape(sub) if sub else "")
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\[\s*tool\s*\.\s*[\"']?{name}[\"']?\s*\]", line):
            return number
    return None


def _check(path: Path, text: str, key: str, value: Any) -> Any:
    shape = KEYS[key][0]
    line = _line_of(text, key)
    where = f"{path}:{line}" if line else str(path)

    def fail(expected: str) -> ConfigError:
        return ConfigError(f"{where}: [tool.{TABLE}] {key} must be {expected}, not {type(value).__name__} {value!r}")

    if shape in ("ids", "globs", "dirs", "list"):
        return _check_list(path, where, key, shape, value, fail)
    if shape == "str":
        if not isinstance(value, str):
            raise fail("a string")
        return value
    if shape == "bool":
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if shape == "per-file":
        line = _table_line(text, "per-file-ignores") or line
        return _check_per_file(f"{path}:{line}" if line else str(path), value)
    raise AssertionError(shape)  # pragma: no cover


def _check_list(path: Path, where: str, key: str, shape: str, value: Any, fail: Callable[[str], ConfigError]) -> Any:
    """A list of strings; rule ids split at commas, rule folders resolved against the file's folder."""
    if isinstance(value, str) and shape in ("ids", "globs"):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail("a list of strings")
    if shape == "ids":
        value = [v.strip() for item in value for v in item.split(",") if v.strip()]
        for rule_id in value:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", rule_id):
                raise ConfigError(f"{where}: [tool.{TABLE}] {key}: {rule_id!r} is not a rule id or prefix (e.g. VNI001, VNI0)")
    if shape == "dirs":
        folders = [(path.parent / v).resolve() for v in value]
        for folder in folders:
            if not folder.is_dir():
                raise ConfigError(f"{where}: [tool.{TABLE}] {key}: rule folder {folder} does not exist")
        value = folders
    return value


def _check_per_file(where: str, value: Any) -> dict[str, list[str]]:
    """`per-file-ignores`: glob = [rule ids], ids split at commas."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [tool.{TABLE}] per-file-ignores must be a table of glob = [rule ids]")
    entries: dict[str, list[str]] = {}
    for glob, ids in value.items():
        if isinstance(ids, str):
            ids = [ids]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ConfigError(f"{where}: [tool.{TABLE}.per-file-ignores] {glob!r} must be a list of rule ids")
        flat = [v.strip() for item in ids for v in item.split(",") if v.strip()]
        for rule_id in flat:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", rule_id):
                raise ConfigError(f"{where}: [tool.{TABLE}.per-file-ignores] {glob!r}: {rule_id!r} is not a rule id or prefix")
        entries[glob] = flat
    return entries


def read_config_file(path: Path) -> dict[str, Any]:
    """The validated [tool.vni-migrate] values of one pyproject.toml (only the keys it sets)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(path, exc)) from None
    tool = data.get("tool", {})
    table = tool.get(TABLE, {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}:{_table_line(text) or 1}: [tool.{TABLE}] must be a table")
    if isinstance(tool, dict) and "vni_migrate" in tool and TABLE not in tool:
        raise ConfigError(f"{path}:{_table_line(text, spelling='vni_migrate') or 1}: [tool.vni_migrate] is spelled [tool.{TABLE}]")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            line = _line_of(text, key)
            where = f"{path}:{line}" if line else str(path)
            raise ConfigError(f"{where}: [tool.{TABLE}] unknown key {key!r} (allowed: {', '.join(KEYS)})")
        values[key] = _check(path, text, key, value)
    return values


def load_config(
    paths: list[Path], overrides: dict[str, Any] | None = None, config_file: Path | None = None, isolated: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, sources) for a run over `paths`: defaults < the config file < `overrides`.

    `overrides` holds the command-line values that were given (key -> (value, flag name)).
    `config_file` names the file explicitly; `isolated` ignores every file.
    """
    config = resolve(paths, overrides, config_file, isolated)
    return config.values, config.sources


def resolve(
    paths: list[Path], overrides: dict[str, Any] | None = None, config_file: Path | None = None, isolated: bool = False
) -> Config:
    """The effective `Config` (see `load_config`)."""
    values = {key: (type(default)(default) if isinstance(default, (list, dict)) else default) for key, (_, default) in KEYS.items()}
    sources = dict.fromkeys(KEYS, DEFAULT_SOURCE)
    file = None if isolated else (config_file or find_config_file(paths))
    if file is not None:
        text = file.read_text(encoding="utf-8", errors="replace") if file.is_file() else ""
        for key, value in read_config_file(file).items():
            values[key] = value
            if key == "per-file-ignores":  # globs are relative to the configuration file's folder
                values[key] = {"folder": str(file.resolve().parent), "globs": value}
            line = _line_of(text, key) or (_table_line(text, key) if key == "per-file-ignores" else None)
            sources[key] = f"{file}:{line}" if line else str(file)
    for key, (value, flag) in (overrides or {}).items():
        values[key] = value
        sources[key] = f"command line ({flag})"
    return Config(values, sources, file)


def apply_to_options(values: dict[str, Any], options: RunOptions) -> RunOptions:
    """Copy the effective values into `options` (settings["background"], listener_url, ...)."""
    options.select = tuple(values["select"])
    options.ignore = tuple(values["ignore"])
    options.exclude = tuple(values["exclude"])
    options.rule_dirs = tuple(Path(p) for p in values["rules"])
    options.listener_url = values["listener-url"]
    options.unsafe_fixes = bool(values["unsafe-fixes"])
    if values["background"]:
        options.settings["background"] = list(values["background"])
    per_file = values.get("per-file-ignores") or {}
    if per_file:
        options.settings["per_file_ignores"] = [
            [per_file["folder"], glob, list(ids)] for glob, ids in per_file["globs"].items()
        ]
    return options
