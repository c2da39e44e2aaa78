"""Texts a large run holds to its end, kept compressed until they are read.

A `fix --diff` of thousands of files holds the old and the new text of every changed file until
the diff is printed; compressed (zlib at its fastest level) source code takes a fifth of the room,
and each text is unpacked only when it is read.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, MutableMapping
from typing import Any

MIN_CHARS = 512  # shorter texts are kept as they are: compressing them saves too little


def pack(text: str | bytes | None) -> str | bytes | None:
    if isinstance(text, str) and len(text) >= MIN_CHARS:
        return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)
    return text


def unpack(value: str | bytes | None) -> str | None:
    if isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8", "surrogatepass")
    return value


class PackableText:
    """A dataclass field holding a text that its owner may `pack` (read back unpacked)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> str | None:
        if obj is None:
            return None  # the field's default
        return unpack(obj.__dict__.get(self.slot))

    def __set__(self, obj: Any, value: str | None) -> None:
        obj.__dict__[self.slot] = value

    def packed(self, obj: Any) -> str | bytes | None:
        return obj.__dict__.get(self.slot)

    def pack(self, obj: Any) -> None:
        obj.__dict__[self.slot] = pack(obj.__dict__.get(self.slot))


class PackedPairs(MutableMapping[str, tuple[str, str]]):
    """path -> (old text, new text), each pair kept packed and unpacked when it is read."""

    def __init__(self, items: dict[str, tuple[str, str]] | None = None) -> None:
        self._pairs: dict[str, tuple[str | bytes, str | bytes]] = {}
        for key, pair in (items or {}).items():
            self[key] = pair

    def put_packed(self, key: str, old: str | bytes, new: str | bytes) -> None:
        self._pairs[key] = (old, new)

    def packed(self, key: str) -> tuple[str | bytes, str | bytes]:
        """The pair as held, without unpacking it."""
        return self._pairs[key]

    def __getitem__(self, key: str) -> tuple[str, str]:
        old, new = self._pairs[key]
        return unpack(old) or "", unpack(new) or ""

    def __setitem__(self, key: str, pair: tuple[str, str]) -> None:
        old, new = pair
        self._pairs[key] = (pack(old) or "", pack(new) or "")

    def __delitem__(self, key: str) -> None:
        del self._pairs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return f"PackedPairs({len(self)} pairs)"
