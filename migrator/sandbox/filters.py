"""The common list filters of the API Management spec, applied to generated records.

`lastModifiedDateTime` with `lastModifiedDateTimeCondition` (`>`, `<`, `>=`, `<=`; the spec calls
the pair "mutually inclusive"), `greaterThanValue` (records whose key sorts after the value),
status-like equality filters (`status`, `active`, `periodId`). A filter the root's description
does not list is ignored, as the spec's unknown parameters are (emulator choice: unknown).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_CONDITIONS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le,
}
# the formats the spec lists for lastModifiedDateTime
_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f",
            "%Y-%m-%d %H:%M")
# equality filters: query name -> record field
_EQUALS = {"status": "status", "active": "active", "periodId": "period"}


class FilterError(ValueError):
    """A filter value the endpoint refuses (400)."""


def _query_value(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    for key, values in query.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


def parse_moment(text: str) -> dt.datetime:
    for pattern in _FORMATS:
        try:
            return dt.datetime.strptime(text.strip().replace("Z", ""), pattern)
        except ValueError:
            continue
    raise FilterError(f"lastModifiedDateTime {text!r} is not in an accepted format (yyyy-MM-dd[THH:mm:ss[.FFF]])")


@dataclass(frozen=True)
class RecordFilter:
    """The filters one request asked for; `matches(record)` applies all of them."""

    checks: tuple[Callable[[dict[str, Any]], bool], ...]

    @property
    def active(self) -> bool:
        return bool(self.checks)

    def matches(self, record: dict[str, Any]) -> bool:
        return all(check(record) for check in self.checks)


def _numeric_or_text(value: str) -> tuple[int, Any]:
    return (0, int(value)) if value.isdigit() else (1, value.lower())


def _equals(record_field: str, wanted: str) -> Callable[[dict[str, Any]], bool]:
    return lambda record: str(record.get(record_field)).lower() == wanted.lower()


def filter_from_query(query: Mapping[str, Sequence[str]], allowed: Sequence[str], key: str) -> RecordFilter:
    """The request's filters among those the root allows."""
    checks: list[Callable[[dict[str, Any]], bool]] = []
    allowed_lower = {name.lower() for name in allowed}
    if "lastmodifieddatetime" in allowed_lower:
        since = _query_value(query, "lastModifiedDateTime")
        condition = _query_value(query, "lastModifiedDateTimeCondition")
        if since is not None:
            # emulator choice: without a condition '>=' applies (the spec's behaviour for a lone value is unknown)
            compare = _CONDITIONS.get((condition or ">=").strip())
            if compare is None:
                raise FilterError(f"lastModifiedDateTimeCondition must be one of {', '.join(_CONDITIONS)}")
            moment = parse_moment(since)
            checks.append(lambda r: "lastModifiedDateTime" in r
                          and compare(dt.datetime.fromisoformat(str(r["lastModifiedDateTime"])), moment))
        elif condition is not None:
            raise FilterError("lastModifiedDateTimeCondition needs lastModifiedDateTime (mutually inclusive)")
    if "greaterthanvalue" in allowed_lower:
        floor = _query_value(query, "greaterThanValue")
        if floor is not None:
            checks.append(lambda r: _numeric_or_text(str(r.get(key, ""))) > _numeric_or_text(floor))
    for name, record_field in _EQUALS.items():
        if name.lower() in allowed_lower:
            wanted = _query_value(query, name)
            if wanted is not None:
                checks.append(_equals(record_field, wanted))
    return RecordFilter(tuple(checks))
