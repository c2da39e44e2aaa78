"""The machine-readable description of API Management's resource roots (`api/description.yaml`).

Each root says its list path, the field naming one record, the methods the spec lists, the list
shape (JSON array or `{pageNumber, pageSize, totalCount, records}`), the maximum page size and the
filters it takes, each with the source it was taken from. The emulator's resources are generated
from it, so adding a root to the YAML file is all it takes to serve it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DESCRIPTION_FILE = Path(__file__).with_name("api") / "description.yaml"
SHAPES = ("array", "paged")


class DescriptionError(ValueError):
    """The description file is malformed (names the entry)."""


@dataclass(frozen=True)
class ResourceSpec:
    """One resource root as the description states it."""

    path: str  # "/v1/customer", "/v2/customer/balance"
    version: int
    root: str  # "customer", "customer/balance" (as written; matched case-insensitively)
    key: str  # the field naming one record
    methods: frozenset[str]
    lists: bool  # False: the spec has no list GET on the root
    shape: str
    max_page_size: int
    filters: tuple[str, ...]
    required: tuple[str, ...]
    page_unit: str | None = None  # a list field whose items pageSize and totalCount count (instead of records)
    sources: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        """Lower-case root used for data and latency lookups ("customer", "customer/balance")."""
        return self.root.lower()


@dataclass(frozen=True)
class ApiDescription:
    resources: tuple[ResourceSpec, ...]
    sources: dict[str, dict[str, str]]

    def roots(self, version: int | None = None) -> list[ResourceSpec]:
        return [r for r in self.resources if version is None or r.version == version]

    def match(self, version: int, segments: list[str]) -> tuple[ResourceSpec, list[str]] | None:
        """The root the longest prefix of `segments` names, and the segments after it."""
        lowered = [s.lower() for s in segments]
        best: tuple[ResourceSpec, list[str]] | None = None
        for spec in self.resources:
            if spec.version != version:
                continue
            parts = spec.name.split("/")
            if lowered[: len(parts)] == parts and (best is None or len(parts) > len(best[0].name.split("/"))):
                best = (spec, segments[len(parts):])
        return best


def _spec(entry: dict[str, Any], defaults: dict[str, Any]) -> ResourceSpec:
    path = str(entry.get("path", ""))
    parts = path.strip("/").split("/")
    if len(parts) < 2 or not parts[0].startswith("v") or not parts[0][1:].isdigit():
        raise DescriptionError(f"resource {path!r}: path must look like /v1/name")
    shape = entry.get("shape", defaults.get("shape", "array"))
    if shape not in SHAPES:
        raise DescriptionError(f"resource {path}: shape must be one of {SHAPES}")
    if "key" not in entry or "source" not in entry:
        raise DescriptionError(f"resource {path}: key and source are required")
    sources = {"root": str(entry["source"]),
               "shape": str(entry.get("shape_source", defaults.get("shape_source", ""))),
               "max_page_size": str(entry.get("max_page_size_source", defaults.get("max_page_size_source", ""))),
               "filters": str(defaults.get("filters_source", ""))}
    if entry.get("note"):
        sources["note"] = str(entry["note"])
    return ResourceSpec(
        path=path, version=int(parts[0][1:]), root="/".join(parts[1:]), key=str(entry["key"]),
        methods=frozenset(str(m).upper() for m in entry.get("methods", ["GET"])),
        lists=bool(entry.get("list", True)), shape=shape,
        max_page_size=int(entry.get("max_page_size", defaults.get("max_page_size", 1000))),
        filters=tuple(entry.get("filters", defaults.get("filters", []))),
        required=tuple(entry.get("required", [])), page_unit=entry.get("page_unit"), sources=sources,
    )


def parse_description(document: dict[str, Any]) -> ApiDescription:
    """Build the description from the parsed YAML document."""
    defaults = document.get("defaults") or {}
    sources = document.get("sources") or {}
    specs = []
    for entry in document.get("resources") or []:
        spec = _spec(entry, defaults)
        if spec.sources["root"] not in sources:
            raise DescriptionError(f"resource {spec.path}: unknown source {spec.sources['root']!r}")
        specs.append(spec)
    return ApiDescription(tuple(specs), {k: dict(v) for k, v in sources.items()})


@lru_cache(maxsize=4)
def load_description(path: Path = DESCRIPTION_FILE) -> ApiDescription:
    """The description bundled with the sandbox (cached; it is read-only)."""
    return parse_description(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
