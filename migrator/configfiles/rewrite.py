"""URL rewrites inside configuration values, verified before they are offered.

Edits only ever replace characters inside a value span. A rewrite is offered only when the file,
read again after the edits, has the same values under the same keys with exactly the migrated
URLs changed, and (where the original parses in its format) parses to the same document apart
from those values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from migrator import urls
from migrator.configfiles import ConfigValue
from migrator.edits import apply_edits
from migrator.findings import Edit


@dataclass
class ValueChange:
    """A value holding an old (VNI001) or half-migrated (VNI003) URL and the edits that migrate it."""

    value: ConfigValue
    new_value: str
    edits: list[Edit]
    maps_to: list[str] = field(default_factory=list)  # VNI001 and/or VNI003
    problem: str | None = None


def url_changes(text: str, module: ModuleType, found: list[ConfigValue]) -> list[ValueChange]:
    changes: list[ValueChange] = []
    offsets_of = getattr(module, "value_offsets", None)
    for value in found:
        wanted = urls.url_edits(value.value)
        if not wanted:
            continue
        new_value = urls.apply_url_edits(value.value, wanted)
        maps_to = sorted({e.rule for e in wanted})
        if offsets_of is not None:
            offsets = offsets_of(text, value)
            edits = [Edit(offsets[e.start], offsets[e.end], e.replacement) for e in wanted]
        else:
            raw = text[value.start : value.end]
            edits = [Edit(value.start + e.start, value.start + e.end, e.replacement) for e in urls.url_edits(raw)]
        problem = None
        if not edits:
            problem = "the URL is written with escape sequences"
        changes.append(ValueChange(value, new_value, edits, maps_to, problem))
    return changes


def verify(text: str, module: ModuleType, before: list[ConfigValue], changes: list[ValueChange]) -> str | None:
    """None when applying every change's edits gives exactly the migrated values; else the reason."""
    edits = sorted({e for c in changes if c.problem is None for e in c.edits}, key=lambda e: (e.start, e.end))
    if not edits:
        return None
    new_text = apply_edits(text, edits)
    after = module.values(new_text)
    expected = {(c.value.start, c.value.end): c.new_value for c in changes if c.problem is None}
    if len(after) != len(before):
        return f"the {module.NAME} file would read differently after the rewrite"
    for old, new in zip(before, after):
        want = expected.get((old.start, old.end), old.value)
        if old.key != new.key or new.value != want:
            return f"the value of {old.key or 'a value'} would read {new.value!r}, not {want!r}"
    try:
        original = module.load(text)
    except ValueError:
        return None  # not valid in its format to begin with: the value-level check above must do
    except RecursionError:
        return f"the {module.NAME} document is nested too deeply to verify the rewrite"
    mapping = {c.value.value: c.new_value for c in changes if c.problem is None}
    try:
        rewritten = module.load(new_text)
        same = rewritten == _map_strings(original, mapping)
    except ValueError as exc:
        return f"the rewritten file is no longer valid {module.NAME}: {exc}"
    except RecursionError:
        return f"the {module.NAME} document is nested too deeply to verify the rewrite"
    if not same:
        return f"the rewritten {module.NAME} document differs beyond the migrated URLs"
    return None


def _map_strings(data: Any, mapping: dict[str, str]) -> Any:
    if isinstance(data, str):
        return mapping.get(data, data)
    if isinstance(data, dict):
        return {_map_strings(k, mapping): _map_strings(v, mapping) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_strings(v, mapping) for v in data]
    if isinstance(data, tuple):
        return tuple(_map_strings(v, mapping) for v in data)
    return data
