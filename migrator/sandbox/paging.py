"""Paging as documented: `pageNumber` (1-based), `pageSize`, cut to the endpoint's maximum."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class PagingError(ValueError):
    """A paging parameter that is not a positive integer."""


@dataclass(frozen=True)
class Page:
    number: int
    size: int  # after the cut to max_page_size
    requested_size: int | None
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def indices(self) -> range:
        return range(min(self.offset, self.total), min(self.offset + self.size, self.total))


def _positive(query: Mapping[str, Sequence[str]], name: str) -> int | None:
    for key, values in query.items():
        if key.lower() == name.lower() and values:
            try:
                value = int(values[0])
            except ValueError:
                raise PagingError(f"{name} must be an integer, got {values[0]!r}") from None
            if value < 1:
                raise PagingError(f"{name} must be at least 1, got {value}")
            return value
    return None


def page_from_query(query: Mapping[str, Sequence[str]], total: int, max_page_size: int) -> Page:
    """Without `pageSize` the first `max_page_size` records come back (callers that never page get one page)."""
    number = _positive(query, "pageNumber") or 1
    requested = _positive(query, "pageSize")
    size = min(requested or max_page_size, max_page_size)
    return Page(number=number, size=size, requested_size=requested, total=total)
